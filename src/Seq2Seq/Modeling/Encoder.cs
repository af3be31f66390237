using Seq2Seq.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Embedding → dropout → (bidirectional) GRU over packed sequences. Returns every position's output
/// and the final state of each direction, concatenated.
/// </summary>
public sealed class Encoder : nn.Module<Tensor, Tensor, EncoderOutput>
{
    private readonly Embedding embed;
    private readonly SeededDropout dropout;
    private readonly GRU rnn;

    /// <summary>Output size per source position: hidden × directions.</summary>
    public long OutputSize { get; }

    /// <summary>Builds the encoder.</summary>
    public Encoder(long vocabSize, long embeddingDim, long hidden, long layers, bool bidirectional, double dropoutRate)
        : base(nameof(Encoder))
    {
        embed = nn.Embedding(vocabSize, embeddingDim, padding_idx: SubwordTokenizer.PadId);
        dropout = new SeededDropout(dropoutRate);
        rnn = nn.GRU(embeddingDim, hidden, numLayers: layers, batchFirst: true, bidirectional: bidirectional,
            dropout: layers > 1 ? dropoutRate : 0.0);
        OutputSize = hidden * (bidirectional ? 2 : 1);
        RegisterComponents();
    }

    /// <summary>Encodes a padded batch; <paramref name="lengths"/> is a CPU int64 tensor.</summary>
    public override EncoderOutput forward(Tensor src, Tensor lengths)
    {
        var x = dropout.call(embed.call(src));                                   // (B, S, E)
        var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first: true, enforce_sorted: false);
        var (packedOut, hN) = rnn.call(packed);                                  // hN: (layers*dirs, B, H)
        var (output, _) = nn.utils.rnn.pad_packed_sequence(packedOut, batch_first: true,
            total_length: src.shape[1]);                                         // (B, S, dirs*H)
        long dirs = OutputSize / hN.shape[2];
        // The last layer's final state in each direction: (B, dirs*H).
        var final = dirs == 2
            ? torch.cat([hN[^2], hN[^1]], dim: -1)                               // (B, 2H)
            : hN[^1];                                                            // (B, H)
        packed.Dispose();
        packedOut.Dispose();
        return new EncoderOutput(output, final);
    }
}

/// <summary>What the encoder returns: per-position outputs and the final summary state.</summary>
/// <param name="Output">(batch, src_len, dirs*hidden)</param>
/// <param name="Final">(batch, dirs*hidden)</param>
public readonly record struct EncoderOutput(Tensor Output, Tensor Final);
