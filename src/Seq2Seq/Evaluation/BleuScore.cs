namespace Seq2Seq.Evaluation;

/// <summary>
/// A BLEU score with its sufficient statistics, as sacrebleu's <c>BLEUScore</c>.
/// <see cref="Precisions"/> are percentages; with add-k smoothing <see cref="Counts"/> and <see cref="Totals"/> of
/// orders 2–4 include the added k, exactly as sacrebleu reports them.
/// </summary>
/// <param name="Score">BLEU in [0, 100].</param>
/// <param name="Counts">Matched n-grams per order 1–4 (clipped by the references).</param>
/// <param name="Totals">Hypothesis n-grams per order 1–4.</param>
/// <param name="Precisions">Smoothed n-gram precisions in percent.</param>
/// <param name="Bp">Brevity penalty.</param>
/// <param name="Ratio">Hypothesis length / reference length (0 when the reference length is 0).</param>
/// <param name="SysLen">Hypothesis length in tokens.</param>
/// <param name="RefLen">Reference length in tokens (closest reference per line, shorter on ties).</param>
/// <param name="Signature">The sacrebleu-style signature, e.g. <c>nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:seq2seq-0.1.0</c>.</param>
/// <param name="ShortSignature">The short form of the signature, e.g. <c>#:1|c:mixed|e:no|tok:13a|s:exp|v:seq2seq-0.1.0</c>.</param>
public sealed record BleuScore(
    double Score,
    IReadOnlyList<double> Counts,
    IReadOnlyList<double> Totals,
    IReadOnlyList<double> Precisions,
    double Bp,
    double Ratio,
    long SysLen,
    long RefLen,
    string Signature,
    string ShortSignature)
{
    /// <summary>sacrebleu's one-line summary: <c>BLEU = 35.21 66.3/42.1/28.9/20.3 (BP = 0.987 ratio = 0.987 hyp_len = 9021 ref_len = 9140)</c>.</summary>
    public string Format(int width = 2) => "BLEU = " + FormatScore(width);

    /// <summary>The summary after the <c>=</c> sign: score, precisions, BP, ratio and lengths.</summary>
    public string FormatScore(int width = 2) =>
        $"{PyText.FormatFixed(Score, width)} {string.Join('/', Precisions.Select(p => PyText.FormatFixed(p, 1)))} " +
        $"(BP = {PyText.FormatFixed(Bp, 3)} ratio = {PyText.FormatFixed(Ratio, 3)} hyp_len = {SysLen} ref_len = {RefLen})";

    /// <summary>The line sacrebleu's <c>-f text</c> prints: <c>BLEU|signature = score ...</c>.</summary>
    public string FormatWithSignature(int width = 2) => $"BLEU|{Signature} = {FormatScore(width)}";

    /// <inheritdoc cref="Format"/>
    public override string ToString() => Format();
}
