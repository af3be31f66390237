namespace Seq2Seq.Evaluation;

/// <summary>A chrF score as sacrebleu's <c>CHRFScore</c>.</summary>
/// <param name="Name">The metric name, e.g. <c>chrF2</c> or <c>chrF2++</c>.</param>
/// <param name="Score">The score in [0, 100].</param>
/// <param name="Statistics">Counts per order: the character orders, then the word orders.</param>
/// <param name="Signature">e.g. <c>nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:seq2seq-0.1.0</c>.</param>
/// <param name="ShortSignature">e.g. <c>#:1|c:mixed|e:yes|nc:6|nw:0|s:no|v:seq2seq-0.1.0</c>.</param>
public sealed record ChrfScore(string Name, double Score, IReadOnlyList<ChrfOrderCounts> Statistics, string Signature, string ShortSignature)
{
    /// <summary>sacrebleu's summary, e.g. <c>chrF2 = 57.12</c>.</summary>
    public string Format(int width = 2) => $"{Name} = {PyText.FormatFixed(Score, width)}";

    /// <summary>The line sacrebleu's <c>-f text</c> prints: <c>chrF2|signature = 57.12</c>.</summary>
    public string FormatWithSignature(int width = 2) => $"{Name}|{Signature} = {PyText.FormatFixed(Score, width)}";

    /// <inheritdoc cref="Format"/>
    public override string ToString() => Format();
}
