using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Decodes many encoded sentences: sorts them by length into batches (so a batch wastes little padding),
/// decodes each batch and puts the results back in input order.
/// </summary>
internal static class BatchDecoding
{
    /// <summary>Decodes <paramref name="sources"/> (subword ids, no EOS) and returns one hypothesis each, in input order.</summary>
    public static Hypothesis[] Decode(Seq2SeqModel model, IReadOnlyList<int[]> sources, DecodingOptions options, Device device)
    {
        var results = new Hypothesis[sources.Count];
        var order = Enumerable.Range(0, sources.Count).OrderBy(i => sources[i].Length).ToArray();
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            var indices = order[start..Math.Min(order.Length, start + options.BatchSize)];
            using var scope = NewDisposeScope();
            var rows = indices.Select(i => sources[i]).ToArray();
            var (src, lengths, _) = Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
            // Output limit: ratio × source subwords + offset (source length without EOS).
            var limits = tensor(rows.Select(r => (long)(options.MaxLengthRatio * r.Length + options.MaxLengthOffset)).ToArray());
            var hyps = GreedySearch.Decode(model, src.to(device), lengths, limits, options.KeepAttention);
            for (int k = 0; k < indices.Length; k++) results[indices[k]] = hyps[k];
        }
        return results;
    }
}

/// <summary>How to decode.</summary>
public sealed record DecodingOptions
{
    /// <summary>Beam width; 1 = greedy.</summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>GNMT length penalty exponent (beam search).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Sentences per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Output limit = ratio × source subwords + offset.</summary>
    public double MaxLengthRatio { get; init; } = 1.5;

    /// <summary>Output limit = ratio × source subwords + offset.</summary>
    public int MaxLengthOffset { get; init; } = 10;

    /// <summary>Return attention weights with each hypothesis.</summary>
    public bool KeepAttention { get; init; }
}
