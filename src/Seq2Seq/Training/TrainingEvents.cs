using System.Globalization;
using Seq2Seq.Data;
using Seq2Seq.Text;

namespace Seq2Seq.Training;

/// <summary>What the trainer reports while it runs; the caller decides how to show it.</summary>
public abstract record TrainingEvent;

/// <summary>A line of information (data read, vocabulary built, checkpoint written, warnings).</summary>
public sealed record TrainingNotice(string Message, bool IsWarning = false) : TrainingEvent;

/// <summary>
/// The corpora once encoded, before the first step: pairs kept and skipped, the vocabulary sizes, and the share of
/// &lt;unk&gt; tokens on each side (what a <c>word</c> vocabulary does not cover shows here; for <c>bpe</c> and
/// <c>char</c> it is the characters never seen in training).
/// </summary>
/// <param name="Train">The training corpus after the length filter.</param>
/// <param name="Dev">The dev corpus (no length filter).</param>
/// <param name="SourceLevel">What a source token is.</param>
/// <param name="TargetLevel">What a target token is.</param>
/// <param name="SourceVocabSize">Source ids, specials included.</param>
/// <param name="TargetVocabSize">Target ids, specials included.</param>
public sealed record DataReport(CorpusReport Train, CorpusReport Dev, TokenLevel SourceLevel, TokenLevel TargetLevel,
    int SourceVocabSize, int TargetVocabSize) : TrainingEvent
{
    /// <summary>"train: 4990 of 5000 pairs kept (0 empty, 10 too long skipped); dev: …; vocab 1000/1000".</summary>
    public override string ToString() => $"train: {Train}; dev: {Dev}; vocab {SourceVocabSize}/{TargetVocabSize}";

    /// <summary>"&lt;unk&gt; in dev: 1.20% of source tokens (word), 0.00% of target tokens (bpe); in train: 0.80%, 0.00%".</summary>
    public string UnknownShares() => string.Create(CultureInfo.InvariantCulture,
        $"<unk> in dev: {100 * Dev.SourceUnknownShare:F2}% of source tokens ({TextTokenizer.LevelName(SourceLevel)}), " +
        $"{100 * Dev.TargetUnknownShare:F2}% of target tokens ({TextTokenizer.LevelName(TargetLevel)}); " +
        $"in train: {100 * Train.SourceUnknownShare:F2}%, {100 * Train.TargetUnknownShare:F2}%");
}

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

/// <summary>Seconds spent in each phase of the training steps since the last report.</summary>
/// <param name="Data">Building batch tensors.</param>
/// <param name="Forward">Encoder, decoder loop, output layer and loss.</param>
/// <param name="Backward">Back-propagation.</param>
/// <param name="Optimizer">Gradient clipping and the Adam step.</param>
public sealed record PhaseTimes(double Data, double Forward, double Backward, double Optimizer)
{
    /// <summary>The phases as shares of their sum: "data 1% forward 38% backward 47% optimizer 14%".</summary>
    public override string ToString()
    {
        double total = Math.Max(1e-12, Data + Forward + Backward + Optimizer);
        return $"data {100 * Data / total:F0}% forward {100 * Forward / total:F0}% backward {100 * Backward / total:F0}% optimizer {100 * Optimizer / total:F0}%";
    }
}

/// <summary>One validation on the dev set.</summary>
/// <param name="Step">Step validated at.</param>
/// <param name="Epoch">Epoch validated in.</param>
/// <param name="Loss">Dev loss per target token (no label smoothing).</param>
/// <param name="Perplexity">exp(Loss).</param>
/// <param name="Bleu">Greedy dev BLEU (sacrebleu-compatible, 13a).</param>
/// <param name="IsBest">Whether this is the best score so far (and was saved as best.ckpt).</param>
/// <param name="LearningRate">Learning rate after the plateau scheduler saw this score.</param>
/// <param name="Seconds">How long the validation took.</param>
public sealed record ValidationReport(int Step, int Epoch, double Loss, double Perplexity, double Bleu, bool IsBest,
    double LearningRate, double Seconds) : TrainingEvent;

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
