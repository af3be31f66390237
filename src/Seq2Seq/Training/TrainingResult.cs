namespace Seq2Seq.Training;

/// <summary>Why and where training stopped.</summary>
/// <param name="StopReason">Why training stopped, in words.</param>
/// <param name="Steps">Optimiser steps taken in all.</param>
/// <param name="Epoch">Epoch at the stop.</param>
/// <param name="BestScore">Best validation score (loss negated), if any validation was finite.</param>
/// <param name="BestStep">Step of the best score.</param>
/// <param name="Interrupted">Stopped by the cancellation token (Ctrl+C).</param>
/// <param name="Diverged">Gave up after <c>training.max_bad_losses_in_a_row</c> non-finite losses in a row.</param>
public sealed record TrainingResult(string StopReason, int Steps, int Epoch, double? BestScore, int BestStep,
    bool Interrupted, bool Diverged = false);
