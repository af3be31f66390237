using System.Globalization;
using Seq2Seq.Data;
using Seq2Seq.Text;

namespace Seq2Seq.Training;

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
