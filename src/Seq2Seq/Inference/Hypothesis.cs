using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// One decoded output: target ids (no EOS), total log-probability <paramref name="Score"/> (EOS included
/// when generated), optional attention (one row per output id plus the EOS step, over the source ids and EOS).
/// </summary>
/// <param name="Ids">Output subword ids, without EOS.</param>
/// <param name="Score">Sum of the log-probabilities of the output ids (and EOS).</param>
/// <param name="Attention">Attention weights (T × S) when requested.</param>
public sealed record Hypothesis(int[] Ids, double Score, float[][]? Attention)
{
    /// <summary>
    /// The score the search ranked by: <see cref="Score"/> divided by the GNMT length penalty
    /// ((5 + len) / 6)^α for beam search; equal to <see cref="Score"/> for greedy search or α = 0.
    /// </summary>
    public double RankingScore { get; init; } = double.NaN;

    /// <summary>
    /// A hypothesis from the token of every decoding step: the ids are cut at the first EOS (or PAD, the no-op
    /// of a finished row); attention keeps one row per output token plus the EOS step when there is one.
    /// </summary>
    internal static Hypothesis FromSteps(int[] steps, float[][]? attention, double logProbability, double rankingScore)
    {
        int end = Array.FindIndex(steps, id => id == SubwordTokenizer.EosId || id == SubwordTokenizer.PadId);
        int n = end < 0 ? steps.Length : end;
        bool hasEos = end >= 0 && steps[end] == SubwordTokenizer.EosId;
        return new Hypothesis(steps[..n], logProbability, attention?[..(n + (hasEos ? 1 : 0))]) { RankingScore = rankingScore };
    }

    /// <summary>Cuts each row of (B, T) ids at its first EOS/PAD and pairs it with its score and attention rows.</summary>
    internal static List<Hypothesis> FromIds(Tensor ids, float[] scores, Tensor? attention, Tensor srcLengths)
    {
        int batch = (int)ids.shape[0], steps = (int)ids.shape[1];
        var flat = ids.data<long>().ToArray();
        var lengths = srcLengths.cpu().data<long>().ToArray();
        float[]? attn = attention?.data<float>().ToArray();
        int srcLen = attention is null ? 0 : (int)attention.shape[2];
        var result = new List<Hypothesis>(batch);
        for (int b = 0; b < batch; b++)
        {
            var row = new int[steps];
            for (int t = 0; t < steps; t++) row[t] = (int)flat[b * steps + t];
            float[][]? weights = null;
            if (attn is not null)
            {
                weights = new float[steps][];
                for (int t = 0; t < steps; t++) weights[t] = attn.AsSpan((b * steps + t) * srcLen, (int)lengths[b]).ToArray();
            }
            result.Add(FromSteps(row, weights, scores[b], scores[b]));
        }
        return result;
    }
}
