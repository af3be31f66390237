using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Data;

/// <summary>
/// One padded training batch. Source = ids + EOS; target input = BOS + ids; target output = ids + EOS.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>(batch, src_len) source ids.</summary>
    public required Tensor Src { get; init; }

    /// <summary>(batch) source lengths including EOS, on the CPU (packing needs them there).</summary>
    public required Tensor SrcLengths { get; init; }

    /// <summary>(batch, trg_len) decoder inputs.</summary>
    public required Tensor TrgIn { get; init; }

    /// <summary>(batch, trg_len) expected outputs.</summary>
    public required Tensor TrgOut { get; init; }

    /// <summary>
    /// (trg_tokens) where the real (non-pad) targets are in the flattened (batch × trg_len) target:
    /// the loss computes output scores only there, so padding costs no output-layer work.
    /// </summary>
    public required Tensor TrgPositions { get; init; }

    /// <summary>Non-pad target tokens (EOS included): the loss divisor.</summary>
    public required int TrgTokens { get; init; }

    /// <summary>Non-pad source tokens (EOS included).</summary>
    public required int SrcTokens { get; init; }

    /// <summary>Sentences in the batch.</summary>
    public required int Size { get; init; }

    /// <summary>Builds a batch from the given pair indices.</summary>
    public static Batch Create(IReadOnlyList<int[]> source, IReadOnlyList<int[]> target, IReadOnlyList<int> indices, Device device)
    {
        int n = indices.Count;
        var srcRows = new int[n][];
        var trgRows = new int[n][];
        for (int i = 0; i < n; i++)
        {
            srcRows[i] = source[indices[i]];
            trgRows[i] = target[indices[i]];
        }
        var (src, srcLengths, srcTokens) = Pad(srcRows, prefix: null, suffix: SubwordTokenizer.EosId);
        var (trgIn, _, _) = Pad(trgRows, prefix: SubwordTokenizer.BosId, suffix: null);
        var (trgOut, _, trgTokens) = Pad(trgRows, prefix: null, suffix: SubwordTokenizer.EosId);
        long width = trgOut.shape[1];
        var positions = new long[trgTokens];
        for (int i = 0, k = 0; i < n; i++)
        {
            for (int t = 0; t <= trgRows[i].Length; t++) positions[k++] = i * width + t;   // ids + EOS
        }
        using var trgPositions = tensor(positions);
        return new Batch
        {
            Src = src.to(device),
            SrcLengths = srcLengths,
            TrgIn = trgIn.to(device),
            TrgOut = trgOut.to(device),
            TrgPositions = trgPositions.to(device),
            TrgTokens = trgTokens,
            SrcTokens = srcTokens,
            Size = n,
        };
    }

    /// <summary>Pads id rows into a (n, max_len) int64 tensor with an optional prefix and suffix token.</summary>
    public static (Tensor Ids, Tensor Lengths, int Tokens) Pad(IReadOnlyList<int[]> rows, int? prefix, int? suffix)
    {
        int extra = (prefix.HasValue ? 1 : 0) + (suffix.HasValue ? 1 : 0);
        int width = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Length) + extra);
        var data = new long[rows.Count * width];   // zero = PadId
        var lengths = new long[rows.Count];
        int tokens = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            int o = i * width, k = 0;
            if (prefix.HasValue) data[o + k++] = prefix.Value;
            foreach (int id in rows[i]) data[o + k++] = id;
            if (suffix.HasValue) data[o + k++] = suffix.Value;
            lengths[i] = k;
            tokens += k;
        }
        return (tensor(data, [rows.Count, width]), tensor(lengths), tokens);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Src.Dispose();
        SrcLengths.Dispose();
        TrgIn.Dispose();
        TrgOut.Dispose();
        TrgPositions.Dispose();
    }
}
