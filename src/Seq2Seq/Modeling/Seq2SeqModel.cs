using Seq2Seq.Config;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// The translation model: <see cref="Encoder"/> → bridge → <see cref="Decoder"/> with attention. The cell type
/// (<c>model.rnn_type</c>) and the attention kind (<c>model.attention</c>) come from the config.
/// </summary>
public sealed class Seq2SeqModel : nn.Module
{
    private readonly Encoder encoder;
    private readonly Decoder decoder;

    /// <summary>The encoder.</summary>
    public Encoder Encoder => encoder;

    /// <summary>The decoder (with attention, bridge and output layer).</summary>
    public Decoder Decoder => decoder;

    /// <summary>Builds the model described by <paramref name="config"/> for the given vocabulary sizes.</summary>
    public Seq2SeqModel(ModelConfig config, long srcVocab, long trgVocab) : base(nameof(Seq2SeqModel))
    {
        encoder = new Encoder(srcVocab, config.EmbeddingDim, config.EncoderHidden, config.EncoderLayers,
            config.Bidirectional, config.Dropout, config.RnnType);
        decoder = new Decoder(config, trgVocab, encoder.OutputSize);
        RegisterComponents();
    }

    /// <summary>Whether decoding steps give attention weights (false for <c>model.attention: none</c>).</summary>
    public bool HasAttention => decoder.HasAttention;

    /// <summary>Throws a <see cref="UserErrorException"/> when the model has no attention weights to give.</summary>
    public void RequireAttention()
    {
        if (!HasAttention)
            throw new UserErrorException("the model has no attention (model.attention: none), so there are no attention weights or alignments to give");
    }

    /// <summary>Encodes a source batch (B, S) with CPU lengths (B) into what decoding needs.</summary>
    public (EncodedSource Source, DecoderState State) Encode(Tensor src, Tensor lengths) =>
        Prepare(src, encoder.call(src, lengths));                                // (B, S, K), (B, K)

    /// <summary>What decoding needs from the encoder's outputs of <paramref name="src"/> (B, S): the attention's source and the first state.</summary>
    public (EncodedSource Source, DecoderState State) Prepare(Tensor src, EncoderOutput encoded) =>
        (decoder.Prepare(encoded, src), decoder.InitialState(encoded));

    /// <summary>Teacher-forced logits for target inputs (B, T): returns (B, T, V).</summary>
    public Tensor Forward(Tensor src, Tensor lengths, Tensor trgIn) =>
        decoder.Logits(Attentional(src, lengths, trgIn));                         // (B, T, V)

    /// <summary>
    /// Teacher-forced attentional vectors for target inputs (B, T): returns (B, T, H). The output layer is left
    /// to the caller, which can apply it to the positions it needs only (see <see cref="Decoder.Logits(Tensor)"/>).
    /// </summary>
    public Tensor Attentional(Tensor src, Tensor lengths, Tensor trgIn)
    {
        var (source, state) = Encode(src, lengths);
        return decoder.Unroll(decoder.Embed(trgIn), state, source);             // (B, T, H)
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
