namespace Seq2Seq.Evaluation;

/// <summary>The outcome of a paired bootstrap test of a system against a baseline on the same references.</summary>
/// <param name="BaselineScore">The baseline's corpus score.</param>
/// <param name="SystemScore">The system's corpus score.</param>
/// <param name="PValue">Probability of a difference at least this large by chance; below 0.05 is significant.</param>
/// <param name="Baseline">The baseline's confidence interval from the same resamples.</param>
/// <param name="System">The system's confidence interval from the same resamples.</param>
public sealed record PairedBootstrapResult(double BaselineScore, double SystemScore, double PValue, ConfidenceInterval Baseline, ConfidenceInterval System)
{
    /// <summary>One line, e.g. <c>BLEU paired bootstrap: baseline 34.10 (μ = 34.05 ± 0.81), system 35.21 (μ = 35.18 ± 0.80), p = 0.0010*</c>.</summary>
    public string Format(string metric, int width = 2) =>
        $"{metric} paired bootstrap: baseline {PyText.FormatFixed(BaselineScore, width)} {Baseline.Format(width)}, " +
        $"system {PyText.FormatFixed(SystemScore, width)} {System.Format(width)}, p = {PyText.FormatFixed(PValue, 4)}{(PValue <= 0.05 ? "*" : "")}";
}
