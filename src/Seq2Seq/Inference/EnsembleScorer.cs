using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Several models decoding together: at every step the candidates' log-probabilities are the weighted mean of the
/// models' log-probabilities, Σ_i w_i log p_i / Σ_i w_i, and the attention weights are the first model's. Every
/// model reads the sentences in its own source vocabulary and keeps its own states; the models share the target
/// vocabulary (and so a shortlist's ids), so a candidate position means the same token in every model.
/// </summary>
internal sealed class EnsembleScorer : Scorer
{
    private readonly ModelScorer[] members;
    private readonly Scalar[] shares;                                             // w_i / Σ_j w_j, held (see ScalarConstants)

    /// <summary>Combines <paramref name="members"/> (two or more, the same sentences in the same order) with positive <paramref name="weights"/>.</summary>
    public EnsembleScorer(IReadOnlyList<ModelScorer> members, IReadOnlyList<double> weights)
    {
        if (members.Count < 2 || weights.Count != members.Count) throw new ArgumentException("expected two or more members and one weight each");
        if (weights.Any(w => !(w > 0) || double.IsInfinity(w))) throw new ArgumentOutOfRangeException(nameof(weights), "weights must be finite and positive");
        this.members = [.. members];
        double total = weights.Sum();
        shares = new Scalar[weights.Count];
        for (int i = 0; i < shares.Length; i++) shares[i] = weights[i] / total;
    }

    public override int Batch => members[0].Batch;

    public override Device Device => members[0].Device;

    public override Tensor Lengths => members[0].Lengths;

    public override long Size => members[0].Size;

    public override void RequireAttention() => members[0].RequireAttention();

    public override void Encode()
    {
        foreach (var m in members) m.Encode();
    }

    public override (Tensor LogProbs, Tensor? Weights) Step(Tensor tokens)
    {
        var (first, weights) = members[0].Step(tokens);                          // (N, V), (N, S)
        var logProbs = first.mul(shares[0]);                                      // (N, V)
        for (int i = 1; i < members.Length; i++)
            logProbs.add_(members[i].Step(tokens).LogProbs, alpha: shares[i]);   // (N, V)
        return (logProbs, weights);
    }

    public override void Select(Tensor rows)
    {
        foreach (var m in members) m.Select(rows);
    }

    public override void Advance(Tensor? stateRows, Tensor? sourceRows)
    {
        foreach (var m in members) m.Advance(stateRows, sourceRows);
    }

    public override Tensor ToVocabulary(Tensor positions) => members[0].ToVocabulary(positions);
}
