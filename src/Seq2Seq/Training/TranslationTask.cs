using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Translation as <see cref="TrainingLoop"/> trains it: length-bucketed batches of sentence pairs, the sharded step
/// (<see cref="ShardedStep"/>), and validation by dev loss and greedy BLEU (<see cref="Validator"/>).
/// </summary>
/// <param name="model">The model trained.</param>
/// <param name="sampler">The training pairs' batches.</param>
/// <param name="shardedStep">The optimiser step of a batch.</param>
/// <param name="validator">The dev set's scorer.</param>
internal sealed class TranslationTask(Seq2SeqModel model, BatchSampler sampler, ShardedStep shardedStep, Validator validator) : ITrainingTask
{
    private DevScores last;

    /// <inheritdoc />
    public nn.Module Model => model;

    /// <inheritdoc />
    public List<int[]> EpochBatches(int epoch) => sampler.EpochBatches(epoch);

    /// <inheritdoc />
    public StepResult Take(int[] batch, int step) => shardedStep.Take(batch, step);

    /// <inheritdoc />
    public (double Score, bool IsBest) Evaluate(TrainingState state, EvalMetric metric)
    {
        last = validator.Evaluate(model);
        return (last.Score(metric), last.Improves(state, metric));
    }

    /// <inheritdoc />
    public void RecordValidation(RunDirectory directory, TrainingState state, bool isBest, double seconds, TimeSpan elapsed) =>
        directory.RecordValidation(new ValidationReport(state.Step, state.Epoch, last.Loss, last.Perplexity, last.Bleu, isBest,
            state.LearningRate, seconds, last.Chrf, last.Samples, elapsed));
}
