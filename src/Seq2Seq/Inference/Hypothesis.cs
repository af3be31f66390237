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
            var row = new List<int>();
            for (int t = 0; t < steps; t++)
            {
                int id = (int)flat[b * steps + t];
                if (id == SubwordTokenizer.EosId || id == SubwordTokenizer.PadId) break;
                row.Add(id);
            }
            float[][]? weights = null;
            if (attn is not null)
            {
                // One row per output token plus the EOS step when present, over the real source positions.
                int rows = Math.Min(steps, row.Count + 1), cols = (int)lengths[b];
                weights = new float[rows][];
                for (int t = 0; t < rows; t++)
                    weights[t] = attn.AsSpan((b * steps + t) * srcLen, cols).ToArray();
            }
            result.Add(new Hypothesis([.. row], scores[b], weights) { RankingScore = scores[b] });
        }
        return result;
    }
}
