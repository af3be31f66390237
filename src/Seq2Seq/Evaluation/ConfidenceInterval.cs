namespace Seq2Seq.Evaluation;

/// <summary>A bootstrap estimate around a corpus score: the mean of the resampled scores and the 95% half-width.</summary>
/// <param name="Score">The score of the full corpus.</param>
/// <param name="Mean">Mean of the resampled scores (sacrebleu's μ).</param>
/// <param name="HalfWidth">Half the width of the 95% interval (sacrebleu's ±).</param>
/// <param name="Samples">Number of resamples.</param>
/// <param name="Seed">Seed of the resampling.</param>
public sealed record ConfidenceInterval(double Score, double Mean, double HalfWidth, int Samples, int Seed)
{
    /// <summary>sacrebleu's form: <c>(μ = 35.10 ± 0.80)</c>.</summary>
    public string Format(int width = 2) => $"(μ = {PyText.FormatFixed(Mean, width)} ± {PyText.FormatFixed(HalfWidth, width)})";
}
