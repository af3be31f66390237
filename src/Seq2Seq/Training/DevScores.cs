using Seq2Seq.Config;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Training;

/// <summary>The scores of one validation on the dev set.</summary>
/// <param name="Loss">Cross-entropy per target token, without label smoothing.</param>
/// <param name="Bleu">Corpus BLEU of greedy translations.</param>
/// <param name="Chrf">Corpus chrF of the same translations (NaN when not computed).</param>
/// <param name="Samples">The first few dev sentences with their translations.</param>
public readonly record struct DevScores(double Loss, double Bleu, double Chrf = double.NaN, IReadOnlyList<DevSample>? Samples = null)
{
    /// <summary>e to the <see cref="Loss"/>.</summary>
    public double Perplexity => Math.Exp(Loss);

    /// <summary>The score that picks the best checkpoint and drives the schedule; higher is better, so the loss is negated.</summary>
    public double Score(EvalMetric evalMetric) => evalMetric == EvalMetric.Loss ? -Loss : Bleu;

    /// <summary>
    /// Whether these scores beat the best of <paramref name="state"/> under <paramref name="evalMetric"/> (the first
    /// validation always does); a loss or score that is not a finite number never does.
    /// </summary>
    public bool Improves(TrainingState state, EvalMetric evalMetric)
    {
        double score = Score(evalMetric);
        return double.IsFinite(Loss) && double.IsFinite(score) && (state.BestScore is null || score > state.BestScore.Value);
    }
}
