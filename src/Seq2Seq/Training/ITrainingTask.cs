using Seq2Seq.Config;
using Seq2Seq.ModelStore;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// What <see cref="TrainingLoop"/> needs from the task it trains (translation, sentence classification): the model,
/// the batches of an epoch, one optimiser step on a batch, and the dev score. Everything else (limits, validation
/// schedule, best and last checkpoints, resume, the learning-rate plateaus, early stopping) is the loop's.
/// </summary>
internal interface ITrainingTask
{
    /// <summary>The model trained; its weights are what checkpoints hold.</summary>
    nn.Module Model { get; }

    /// <summary>The batches (indices into the training set) of epoch <paramref name="epoch"/> (1-based); the same for the same epoch.</summary>
    List<int[]> EpochBatches(int epoch);

    /// <summary>
    /// Computes the loss and gradients of <paramref name="batch"/> and, when the loss is finite, takes the optimiser
    /// step; <paramref name="step"/> is the number of steps taken before it.
    /// </summary>
    StepResult Take(int[] batch, int step);

    /// <summary>
    /// Scores the model on the dev set (leaving it in eval mode): the score under <paramref name="metric"/>, higher is
    /// better, and whether it beats the best of <paramref name="state"/> (a score that is not finite never does).
    /// </summary>
    (double Score, bool IsBest) Evaluate(TrainingState state, EvalMetric metric);

    /// <summary>Reports, logs and appends to <c>metrics.tsv</c> the scores of the last <see cref="Evaluate"/>.</summary>
    void RecordValidation(RunDirectory directory, TrainingState state, bool isBest, double seconds, TimeSpan elapsed);
}
