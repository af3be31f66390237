using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// Decoding steps on the CPU with the decoder's matrix products on weights packed once for MKL's kernel
/// (<see cref="PackedWeight"/>): the output layer, the combination and, for a GRU, the cell; given the encoder, its
/// GRU too (<see cref="PackedEncoder"/>). Additive attention's query layer runs on <see cref="Avx512Linear"/> where
/// it can. A plain product
/// copies its weight into the kernel's layout on every call; a packed one does not, and gives the same numbers.
/// For the GRU, every target token's input gates are tabulated once (its embedding times the cell's input
/// weights, V × 3H), so a step looks them up and adds only the fed-back attentional vector's product.
/// <para>Created by the caller from a model in eval mode, without gradients; the weights must not change while
/// it lives (it holds copies). Dispose frees the packs. Its methods only read them, so threads may share it.</para>
/// </summary>
internal sealed class PackedDecoderStepper : DecoderStepper
{
    /// <summary>
    /// The largest table of every token's GRU input gates (vocabulary × 3 × hidden floats) built by default:
    /// 128 MiB (49 MiB at 8,000 tokens and hidden size 512). Beyond it, steps multiply the embeddings.
    /// </summary>
    public const long MaxTokenGatesBytes = 128L << 20;

    private readonly PackedWeight output;          // W_o, b_o
    private readonly PackedWeight combine;         // W_c
    private readonly Tensor? tokenGates;           // (V, 3H): emb W_ieᵀ + b_ih of every token; GRU only
    private readonly PackedWeight? gruAttentional; // the input weights on a_{t-1} (with the table and input feeding)
    private readonly PackedWeight? gruInput;       // all the input weights (GRU without the table)
    private readonly PackedWeight? gruHidden;      // W_hh, b_hh; GRU only
    private readonly PackedEncoder? encoder;       // the encoder's GRU, when given and one
    private readonly BahdanauAttention? additive;  // the decoder's attention, when additive and its query layer runs on ...
    private readonly Avx512Linear? query;          // ... W_q, where the AVX-512 kernel gives its numbers
    private readonly int rows;                     // the usual rows of a step, for packing subsets alike

    /// <summary>Whether <paramref name="decoder"/>'s weights can be packed here: float weights on the CPU, MKL present.</summary>
    public static bool Supports(Decoder decoder) =>
        PackedWeight.Available && decoder.OutputWeight.device_type == DeviceType.CPU && decoder.OutputWeight.dtype == ScalarType.Float32;

    /// <summary>
    /// Packs <paramref name="decoder"/>'s weights for steps of about <paramref name="rows"/> rows (sentences × beam;
    /// the count only guides MKL's blocking), and the GRU of <paramref name="encoder"/> (the same model's) when given
    /// and <see cref="PackedEncoder.Supports"/> holds. The GRUs' token tables are built when each takes at most
    /// <paramref name="maxTokenGatesBytes"/>. Call only where <see cref="Supports"/> holds.
    /// </summary>
    public PackedDecoderStepper(Decoder decoder, int rows, long maxTokenGatesBytes = MaxTokenGatesBytes, Encoder? encoder = null) : base(decoder)
    {
        if (!Supports(decoder)) throw new InvalidOperationException("the decoder's weights cannot be packed here");
        this.rows = rows;
        if (encoder is not null && PackedEncoder.Supports(encoder)) this.encoder = new PackedEncoder(encoder, rows, maxTokenGatesBytes);
        using var scope = NewDisposeScope();                                     // the cell's weight_ih etc. are new handles
        using var noGrad = no_grad();
        output = PackedWeight.Pack(decoder.OutputWeight, decoder.OutputBias, rows);
        combine = PackedWeight.Pack(decoder.CombineWeight, null, rows);
        if (decoder.Attention is BahdanauAttention attention && Avx512Linear.TryCreate(attention.QueryWeight, null) is { } projection)
            (additive, query) = (attention, projection);
        if (decoder.Gru is not { } gru) return;
        var w = gru.weight_ih!;                                                  // (3H, E[+H])
        int e = (int)decoder.EmbeddingWeight.shape[1];
        if (decoder.VocabSize * w.shape[0] * sizeof(float) <= maxTokenGatesBytes)
        {
            tokenGates = nn.functional.linear(decoder.EmbeddingWeight, w[.., ..e], gru.bias_ih).DetachFromDisposeScope(); // (V, 3H)
            if (decoder.InputFeeding) gruAttentional = PackedWeight.Pack(w[.., e..], null, rows);
        }
        else gruInput = PackedWeight.Pack(w, gru.bias_ih, rows);
        gruHidden = PackedWeight.Pack(gru.weight_hh!, gru.bias_hh, rows);
    }

    /// <summary>Whether the GRU's input gates come from the table of every token's.</summary>
    internal bool HasTokenGates => tokenGates is not null;

    /// <summary>Whether the encoder's GRU runs on packed weights.</summary>
    internal bool HasPackedEncoder => encoder is not null;

    /// <inheritdoc />
    public override (EncodedSource Source, DecoderState State) Encode(Seq2SeqModel model, Tensor src, Tensor lengths) =>
        encoder is not null && ReferenceEquals(model.Encoder, encoder.Encoder)
            ? model.Prepare(src, encoder.Encode(src, lengths))
            : base.Encode(model, src, lengths);

    /// <inheritdoc />
    public override (DecoderState State, Tensor? Weights) Step(Tensor tokens, DecoderState state, EncodedSource source)
    {
        Tensor h;                                                                // (B, H)
        Tensor? c = null;                                                        // (B, H), LSTM only
        if (gruHidden is null) (h, c) = Decoder.Cell(Decoder.Input(Decoder.Embed(tokens), state), state);
        else h = GruGates.StepInPlace(InputGates(tokens, state), gruHidden.Apply(state.Hidden), state.Hidden);
        var (context, weights) = query is null                                   // (B, K), (B, S) or null
            ? Decoder.Attend(h, source)
            : additive!.AttendProjected(query.Apply(h), source.Keys!, source.Values, source.Mask);
        var att = tanh(combine.Apply(cat([h, context], dim: -1)));               // (B, H+K) → (B, H)
        return (new DecoderState(h, att, c), weights);
    }

    /// <summary>x_t W_ihᵀ + b_ih (B, 3H): the tokens' rows of the table plus a_{t-1} W_iaᵀ, or the packed product.</summary>
    private Tensor InputGates(Tensor tokens, DecoderState state)
    {
        if (tokenGates is null) return gruInput!.Apply(Decoder.Input(Decoder.Embed(tokens), state));
        var gates = tokenGates.index_select(0, tokens);                          // (B, 3H), a fresh tensor
        gruAttentional?.AddTo(state.Attentional, gates);                         // += a_{t-1} W_iaᵀ
        return gates;
    }

    /// <inheritdoc />
    public override Tensor Logits(Tensor attentional)
    {
        var logits = output.Apply(attentional.reshape(-1, Decoder.HiddenSize)); // (N, V)
        return attentional.dim() == 2 ? logits : logits.reshape([.. attentional.shape[..^1], Decoder.VocabSize]);
    }

    /// <summary>The output layer's rows of <paramref name="ids"/>, packed once for the batch's steps.</summary>
    public override OutputSubset Subset(Tensor ids)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weight = Decoder.OutputWeight.index_select(0, ids);                  // (U, H)
        var bias = Decoder.OutputBias.index_select(0, ids);                      // (U)
        return new OutputSubset(ids, weight, bias, PackedWeight.Pack(weight, bias, rows));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        encoder?.Dispose();
        query?.Dispose();
        output.Dispose();
        combine.Dispose();
        tokenGates?.Dispose();
        gruAttentional?.Dispose();
        gruInput?.Dispose();
        gruHidden?.Dispose();
    }
}
