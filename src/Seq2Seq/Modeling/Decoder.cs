using Seq2Seq.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// GRU decoder with Bahdanau attention and input feeding (Luong order: the new state is the query).
/// One step: x = [emb(y_{t-1}); a_{t-1}], h_t = GRU(x, h_{t-1}), c_t = attend(h_t),
/// a_t = tanh(W_c [h_t; c_t]); logits = W_o dropout(a_t).
/// </summary>
public sealed class Decoder : nn.Module
{
    private readonly Embedding embed;
    private readonly SeededDropout dropout;
    private readonly Linear bridge;
    private readonly GRUCell cell;
    private readonly BahdanauAttention attention;
    private readonly Linear combine;
    private readonly Linear output;
    private readonly bool inputFeeding;

    /// <summary>Decoder hidden size (also the attentional vector's size).</summary>
    public long HiddenSize { get; }

    /// <summary>Target vocabulary size.</summary>
    public long VocabSize { get; }

    /// <summary>Builds the decoder for encoder outputs of size <paramref name="encoderSize"/>.</summary>
    public Decoder(long vocabSize, long embeddingDim, long hidden, long encoderSize, long attentionDim,
        bool inputFeeding, double dropoutRate) : base(nameof(Decoder))
    {
        embed = nn.Embedding(vocabSize, embeddingDim, padding_idx: SubwordTokenizer.PadId);
        dropout = new SeededDropout(dropoutRate);
        bridge = nn.Linear(encoderSize, hidden);
        cell = nn.GRUCell(embeddingDim + (inputFeeding ? hidden : 0), hidden);
        attention = new BahdanauAttention(encoderSize, hidden, attentionDim);
        combine = nn.Linear(hidden + encoderSize, hidden, hasBias: false);
        output = nn.Linear(hidden, vocabSize);
        this.inputFeeding = inputFeeding;
        HiddenSize = hidden;
        VocabSize = vocabSize;
        RegisterComponents();
    }

    /// <summary>Projects the attention keys once and masks the padding: what every step reads.</summary>
    public EncodedSource Prepare(EncoderOutput encoded, Tensor src)
    {
        var keys = attention.ProjectKeys(encoded.Output);                        // (B, S, A)
        var mask = src.ne(SubwordTokenizer.PadId);                                  // (B, S)
        return new EncodedSource(encoded.Output, keys, mask);
    }

    /// <summary>The first state: h_0 = tanh(W_b final + b_b), a_0 = 0.</summary>
    public DecoderState InitialState(Tensor encoderFinal)
    {
        var h = tanh(bridge.call(encoderFinal));                                 // (B, H)
        var att = zeros_like(h);                                                 // (B, H)
        return new DecoderState(h, att);
    }

    /// <summary>Embeds target ids (with dropout in training): (...) → (..., E).</summary>
    public Tensor Embed(Tensor ids) => dropout.call(embed.call(ids));

    /// <summary>One step from the embedded previous token (B, E). Also returns the attention weights (B, S).</summary>
    public (DecoderState State, Tensor Weights) Step(Tensor embedded, DecoderState state, EncodedSource source)
    {
        var x = inputFeeding ? cat([embedded, state.Attentional], dim: -1) : embedded; // (B, E+H)
        var h = cell.call(x, state.Hidden);                                      // (B, H)
        var (context, weights) = attention.Attend(h, source.Keys, source.Values, source.Mask); // (B, K), (B, S)
        var att = tanh(combine.call(cat([h, context], dim: -1)));                // (B, H)
        return (new DecoderState(h, att), weights);
    }

    /// <summary>Output scores from attentional vectors: (..., H) → (..., V).</summary>
    public Tensor Logits(Tensor attentional) => output.call(dropout.call(attentional));
}

/// <summary>What every decoding step reads from the source side.</summary>
/// <param name="Values">Encoder outputs (batch, src_len, K).</param>
/// <param name="Keys">Projected keys (batch, src_len, A).</param>
/// <param name="Mask">True at real source positions (batch, src_len).</param>
public readonly record struct EncodedSource(Tensor Values, Tensor Keys, Tensor Mask)
{
    /// <summary>Selects rows (sentences or beams) by index: (N) → a source of N rows.</summary>
    public EncodedSource Select(Tensor rows) =>
        new(Values.index_select(0, rows), Keys.index_select(0, rows), Mask.index_select(0, rows));
}

/// <summary>The decoder's recurrent state.</summary>
/// <param name="Hidden">(batch, hidden)</param>
/// <param name="Attentional">The last attentional vector a_t (batch, hidden), fed back as input.</param>
public readonly record struct DecoderState(Tensor Hidden, Tensor Attentional)
{
    /// <summary>Selects rows (beams) by index.</summary>
    public DecoderState Select(Tensor rows) => new(Hidden.index_select(0, rows), Attentional.index_select(0, rows));

    /// <summary>Hands both tensors to the enclosing dispose scope (a decoding step's state outlives the step).</summary>
    public DecoderState MoveToOuterDisposeScope() => new(Hidden.MoveToOuterDisposeScope(), Attentional.MoveToOuterDisposeScope());

    /// <summary>Frees both tensors now (the previous step's state, once the next one is computed).</summary>
    public void Dispose()
    {
        Hidden.Dispose();
        Attentional.Dispose();
    }
}
