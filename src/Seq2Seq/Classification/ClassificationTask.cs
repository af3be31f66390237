using System.Diagnostics;
using System.Globalization;
using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Classification;

/// <summary>
/// Sentence classification as <see cref="TrainingLoop"/> trains it: length-bucketed batches of sentences, a step whose
/// loss is the cross-entropy of the labels (per sentence, with the config's label smoothing), and validation by dev
/// accuracy (or loss). As in translation, a batch runs as one shard per worker thread, each with its own dropout
/// generator seeded from the seed, step and shard, so a run is the same whatever thread finishes first. The moving
/// average of the weights, when kept, moves with the optimiser step.
/// </summary>
internal sealed class ClassificationTask(SentenceClassifier model, Adam optimizer, EncodedSentences train, EncodedSentences dev, LabelSet labels,
    WorkerThreads workers, Device device, ClassifierConfig config, ExponentialMovingAverage? average) : ITrainingTask
{
    /// <summary>The columns of a classifier's <c>metrics.tsv</c> (accuracy and macro-F1 in percent).</summary>
    public const string MetricsHeader = "step\tepoch\tlearning_rate\tdev_loss\tdev_accuracy\tdev_macro_f1\tbest";

    private readonly BatchSampler sampler = new(train.Ids, [.. train.Ids.Select(_ => Array.Empty<int>())], config.Training.BatchSize,
        config.Training.BatchType == BatchType.Tokens, config.Seed);

    private (double Loss, ClassificationScores Scores) last;

    /// <inheritdoc />
    public nn.Module Model => model;

    /// <inheritdoc />
    public List<int[]> EpochBatches(int epoch) => sampler.EpochBatches(epoch);

    /// <inheritdoc />
    public StepResult Take(int[] batch, int step)
    {
        model.train();
        using var scope = NewDisposeScope();
        long started = Stopwatch.GetTimestamp();
        model.zero_grad(set_to_none: true);
        int count = Math.Min(workers.Count, batch.Length);
        var losses = new float[count];
        using Scalar sentences = batch.Length;                                   // held (see ScalarConstants)
        workers.Run(count, k =>
        {
            using var generator = new Generator(ShardedStep.DropoutSeed(config.Seed, step, k), device);
            using var dropout = SeededDropout.UseGenerator(generator);
            using var shardScope = NewDisposeScope();
            using var part = ClassificationBatch.Create(train.Ids, train.Labels, batch.Where((_, i) => i % count == k).ToArray(), device);
            var loss = nn.functional.cross_entropy(model.Forward(part.Src, part.Lengths), part.Labels!, reduction: nn.Reduction.Sum,
                label_smoothing: config.Training.LabelSmoothing);                // ()
            losses[k] = loss.item<float>();
            if (float.IsFinite(losses[k])) loss.div(sentences).backward();        // the gradient of the whole batch's mean
        });
        long backwarded = Stopwatch.GetTimestamp();
        // A classifier's step counts sentences where translation counts target tokens: its loss is per sentence.
        var result = new StepResult(losses.Sum(), batch.Length, batch.Length);
        if (!float.IsFinite(result.MeanLoss)) return result;
        ClippedAdam.Step(optimizer, config.Training.ClipGradNorm, workers, average: average, stepsBefore: step)?.Dispose();
        return result with { ForwardTicks = backwarded - started, OptimizerTicks = Stopwatch.GetTimestamp() - backwarded };
    }

    /// <inheritdoc />
    public (double Score, bool IsBest) Evaluate(TrainingState state, EvalMetric metric)
    {
        var logProbs = Classifier.LogProbabilities(model, dev.Ids, config.Training.BatchSize, device, withWeights: false).LogProbs;
        double loss = -dev.Labels.Select((g, i) => (double)logProbs[i][g]).Sum() / dev.Count;
        var predicted = logProbs.Select(Classifier.ArgMax).ToArray();
        last = (loss, ClassificationScores.Compute(dev.Labels, predicted, labels.Names));
        double score = metric == EvalMetric.Loss ? -loss : last.Scores.Accuracy;
        bool finite = double.IsFinite(loss) && double.IsFinite(score);
        return (score, finite && (state.BestScore is null || score > state.BestScore.Value));
    }

    /// <inheritdoc />
    public void RecordValidation(RunDirectory directory, TrainingState state, bool isBest, double seconds, TimeSpan elapsed)
    {
        var (loss, scores) = last;
        var r = new ClassificationValidationReport(state.Step, state.Epoch, loss, scores.Accuracy, scores.MacroF1, isBest, state.LearningRate, seconds);
        directory.Report(r);
        var c = CultureInfo.InvariantCulture;
        directory.Log(string.Format(c, "validation at step {0}: dev loss {1:F4} accuracy {2:F2}% macro-F1 {3:F2}{4} lr {5:G3} ({6:F1}s)",
            r.Step, r.Loss, 100 * r.Accuracy, 100 * r.MacroF1, r.IsBest ? " (best)" : "", r.LearningRate, r.Seconds));
        directory.AppendMetrics([r.Step, r.Epoch, r.LearningRate.ToString("G6", c), r.Loss.ToString("F5", c), (100 * r.Accuracy).ToString("F2", c),
            (100 * r.MacroF1).ToString("F2", c), r.IsBest ? "*" : ""]);
    }
}
