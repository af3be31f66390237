using Seq2Seq.Config;
using Seq2Seq.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Embedding → dropout → (bidirectional) GRU, LSTM or tanh RNN over packed sequences. Returns every position's
/// output and the final state of each direction, concatenated (and the LSTM's final cell state likewise).
/// </summary>
public sealed class Encoder : nn.Module<Tensor, Tensor, EncoderOutput>
{
    private readonly Embedding embed;
    private readonly SeededDropout dropout;
    private readonly nn.Module rnn;   // GRU, LSTM or RNN (the field name keeps GRU checkpoints loading)

    /// <summary>Output size per source position: hidden × directions.</summary>
    public long OutputSize { get; }

    /// <summary>Stacked recurrent layers.</summary>
    public long Layers { get; }

    /// <summary>Whether the source is also read right to left.</summary>
    public bool Bidirectional { get; }

    /// <summary>Builds the encoder; <paramref name="rnnType"/> is <c>gru</c>, <c>lstm</c> or <c>rnn</c> (tanh).</summary>
    public Encoder(long vocabSize, long embeddingDim, long hidden, long layers, bool bidirectional, double dropoutRate,
        RnnType rnnType = RnnType.Gru) : base(nameof(Encoder))
    {
        embed = nn.Embedding(vocabSize, embeddingDim, padding_idx: SubwordTokenizer.PadId);
        dropout = new SeededDropout(dropoutRate);
        double between = layers > 1 ? dropoutRate : 0.0;
        rnn = rnnType switch
        {
            RnnType.Gru => nn.GRU(embeddingDim, hidden, numLayers: layers, batchFirst: true, bidirectional: bidirectional, dropout: between),
            RnnType.Lstm => nn.LSTM(embeddingDim, hidden, numLayers: layers, batchFirst: true, bidirectional: bidirectional, dropout: between),
            RnnType.Rnn => nn.RNN(embeddingDim, hidden, numLayers: layers, nonLinearity: nn.NonLinearities.Tanh, batchFirst: true,
                bidirectional: bidirectional, dropout: between),
            _ => throw new UserErrorException($"model.rnn_type: unknown value '{rnnType}'"),
        };
        OutputSize = hidden * (bidirectional ? 2 : 1);
        Layers = layers;
        Bidirectional = bidirectional;
        RegisterComponents();
    }

    /// <summary>Encodes a padded batch; <paramref name="lengths"/> is a CPU int64 tensor.</summary>
    public override EncoderOutput forward(Tensor src, Tensor lengths)
    {
        var x = Embed(src);                                                      // (B, S, E)
        var packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first: true, enforce_sorted: false);
        nn.utils.rnn.PackedSequence packedOut;
        Tensor hN;                                                               // (layers*dirs, B, H)
        Tensor? cN = null;                                                       // (layers*dirs, B, H), LSTM only
        switch (rnn)
        {
            case GRU gru: (packedOut, hN) = gru.call(packed); break;
            case LSTM lstm: (packedOut, hN, cN) = lstm.call(packed); break;
            default: (packedOut, hN) = ((RNN)rnn).call(packed); break;
        }
        var (output, _) = nn.utils.rnn.pad_packed_sequence(packedOut, batch_first: true,
            total_length: src.shape[1]);                                         // (B, S, dirs*H)
        packed.Dispose();
        packedOut.Dispose();
        return new EncoderOutput(output, LastLayer(hN), cN is null ? null : LastLayer(cN));
    }

    /// <summary>Embeds source ids (with dropout in training): (B, S) → (B, S, E).</summary>
    internal Tensor Embed(Tensor src) => dropout.call(embed.call(src));

    /// <summary>The embedding matrix (V, E): a new handle at every read, for the caller to dispose (a dispose scope).</summary>
    internal Tensor EmbeddingWeight => embed.weight!;

    /// <summary>The recurrent network when it is a GRU, else null.</summary>
    internal GRU? Gru => rnn as GRU;

    /// <summary>The last layer's final state in each direction, concatenated: (layers*dirs, B, H) → (B, dirs*H).</summary>
    private Tensor LastLayer(Tensor states) =>
        OutputSize / states.shape[2] == 2
            ? torch.cat([states[^2], states[^1]], dim: -1)                       // (B, 2H)
            : states[^1];                                                        // (B, H)
}
