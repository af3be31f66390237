namespace Seq2Seq.Training;

/// <summary>Why and where language model training stopped.</summary>
/// <param name="StopReason">Why training stopped, in words.</param>
/// <param name="Steps">Optimiser steps taken.</param>
/// <param name="Loss">Loss per character of the last report.</param>
/// <param name="Interrupted">Stopped by the cancellation token (Ctrl+C).</param>
/// <param name="Diverged">Stopped on a loss that is not a finite number (the weights of the last sample stay).</param>
public sealed record LanguageModelTrainingResult(string StopReason, int Steps, double? Loss, bool Interrupted, bool Diverged);
