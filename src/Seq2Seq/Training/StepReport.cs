namespace Seq2Seq.Training;

/// <summary>Periodic progress: every <c>logging_freq</c> steps.</summary>
/// <param name="Epoch">Current epoch (1-based).</param>
/// <param name="Step">Optimiser steps taken.</param>
/// <param name="BatchInEpoch">Batches done in this epoch.</param>
/// <param name="BatchesInEpoch">Batches in this epoch.</param>
/// <param name="Loss">Mean training loss per target token since the last report.</param>
/// <param name="TargetTokensPerSecond">Target tokens per second since the last report.</param>
/// <param name="SentencesPerSecond">Sentence pairs per second since the last report.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="Elapsed">Wall time of training so far (this and earlier runs).</param>
/// <param name="Eta">Estimated time to the nearest stopping limit, when one is set.</param>
/// <param name="Phases">Where the wall time since the last report went.</param>
public sealed record StepReport(int Epoch, int Step, int BatchInEpoch, int BatchesInEpoch, double Loss,
    double TargetTokensPerSecond, double SentencesPerSecond, double LearningRate, TimeSpan Elapsed, TimeSpan? Eta, PhaseTimes Phases) : TrainingEvent;
