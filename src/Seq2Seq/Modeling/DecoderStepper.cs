using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// What a search calls to encode a batch and at every decoding step: the next state from the previous tokens, and
/// the output scores of an attentional vector. This class is the plain path (<see cref="Seq2SeqModel.Encode"/>,
/// <see cref="Decoder.Step"/> on the tokens' embeddings, <see cref="Decoder.Logits(Tensor)"/>);
/// <see cref="Cpu.PackedDecoderStepper"/> computes the same numbers from weights packed for the CPU. The caller
/// chooses one and owns it.
/// </summary>
public class DecoderStepper : IDisposable
{
    /// <summary>A stepper for <paramref name="decoder"/>.</summary>
    public DecoderStepper(Decoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        Decoder = decoder;
    }

    /// <summary>The decoder whose steps these are.</summary>
    public Decoder Decoder { get; }

    /// <summary>
    /// Encodes a source batch (B, S) with CPU lengths (B, EOS included) of <paramref name="model"/>, whose decoder
    /// this is: the attention's source and the first state.
    /// </summary>
    public virtual (EncodedSource Source, DecoderState State) Encode(Seq2SeqModel model, Tensor src, Tensor lengths) =>
        model.Encode(src, lengths);

    /// <summary>
    /// One step from the previous tokens (B): the new state and the attention weights (B, S), or null when the
    /// model has no attention.
    /// </summary>
    public virtual (DecoderState State, Tensor? Weights) Step(Tensor tokens, DecoderState state, EncodedSource source) =>
        Decoder.Step(Decoder.Embed(tokens), state, source);

    /// <summary>Output scores from attentional vectors: (..., H) → (..., V).</summary>
    public virtual Tensor Logits(Tensor attentional) => Decoder.Logits(attentional);

    /// <summary>
    /// The output layer restricted to target <paramref name="ids"/> (U, ascending, the special tokens first), for
    /// the steps of one batch (a vocabulary shortlist). The caller disposes it.
    /// </summary>
    public virtual OutputSubset Subset(Tensor ids)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return new OutputSubset(ids, Decoder.OutputWeight.index_select(0, ids), Decoder.OutputBias.index_select(0, ids), packed: null);
    }

    /// <summary>Frees what the stepper holds (the plain one holds nothing).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what a derived stepper holds.</summary>
    protected virtual void Dispose(bool disposing) { }
}
