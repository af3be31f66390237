using Seq2Seq.Config;
using Seq2Seq.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Recurrent decoder (GRU, LSTM or tanh RNN cell) with attention and input feeding (Luong order: the new state is
/// the query). One step: x = [emb(y_{t-1}); a_{t-1}], h_t = cell(x, h_{t-1}), c_t = attend(h_t),
/// a_t = tanh(W_c [h_t; c_t]); logits = W_o dropout(a_t). Without attention (<c>model.attention: none</c>),
/// c_t is the same source summary (the encoder's final state) at every step.
/// </summary>
public sealed class Decoder : nn.Module
{
    private readonly Embedding embed;
    private readonly SeededDropout dropout;
    private readonly Linear bridge;
    private readonly Linear? cellBridge;                      // LSTM only: the initial cell state from the encoder's
    private readonly nn.Module<Tensor, Tensor, Tensor>? cell; // GRU or RNN cell (null for LSTM)
    private readonly LSTMCell? lstmCell;                      // LSTM cell (null for GRU and RNN)
    private readonly Attention? attention;                    // null: no attention, the summary instead
    private readonly Linear combine;
    private readonly Linear output;
    private readonly bool inputFeeding;

    /// <summary>Decoder hidden size (also the attentional vector's size).</summary>
    public long HiddenSize { get; }

    /// <summary>Target vocabulary size.</summary>
    public long VocabSize { get; }

    /// <summary>Whether steps give attention weights (false for <c>model.attention: none</c>).</summary>
    public bool HasAttention => attention is not null;

    /// <summary>
    /// Builds the decoder described by <paramref name="config"/> (cell type, attention kind, sizes) for encoder
    /// outputs of size <paramref name="encoderSize"/>.
    /// </summary>
    public Decoder(ModelConfig config, long vocabSize, long encoderSize) : base(nameof(Decoder))
    {
        long hidden = config.DecoderHidden, inputSize = config.EmbeddingDim + (config.InputFeeding ? hidden : 0);
        embed = nn.Embedding(vocabSize, config.EmbeddingDim, padding_idx: SubwordTokenizer.PadId);
        dropout = new SeededDropout(config.Dropout);
        bridge = nn.Linear(encoderSize, hidden);
        switch (config.RnnType)
        {
            case "gru": cell = nn.GRUCell(inputSize, hidden); break;
            case "rnn": cell = nn.RNNCell(inputSize, hidden, nn.NonLinearities.Tanh); break;
            case "lstm":
                cellBridge = nn.Linear(encoderSize, hidden);
                lstmCell = nn.LSTMCell(inputSize, hidden);
                break;
            default: throw new UserErrorException($"model.rnn_type: unknown value '{config.RnnType}'");
        }
        attention = Attention.Create(config, encoderSize, hidden);
        combine = nn.Linear(hidden + encoderSize, hidden, hasBias: false);
        output = nn.Linear(hidden, vocabSize);
        inputFeeding = config.InputFeeding;
        HiddenSize = hidden;
        VocabSize = vocabSize;
        RegisterComponents();
    }

    /// <summary>
    /// What every step reads, computed once per batch: with attention, the encoder outputs, their projected keys
    /// and the padding mask; without, the source summary (the encoder's final state).
    /// </summary>
    public EncodedSource Prepare(EncoderOutput encoded, Tensor src)
    {
        var mask = src.ne(SubwordTokenizer.PadId);                               // (B, S)
        if (attention is null) return new EncodedSource(encoded.Final, null, mask); // (B, K)
        var keys = attention.ProjectKeys(encoded.Output);                        // (B, S, A) or null
        return new EncodedSource(encoded.Output, keys, mask);
    }

    /// <summary>
    /// The first state: h_0 = tanh(W_b final + b_b), a_0 = 0; for the LSTM also c_0 = tanh(W_c finalCell + b_c)
    /// from the encoder's final cell state.
    /// </summary>
    public DecoderState InitialState(EncoderOutput encoded)
    {
        var h = tanh(bridge.call(encoded.Final));                                // (B, H)
        var att = zeros_like(h);                                                 // (B, H)
        var c = cellBridge is null ? null : tanh(cellBridge.call(encoded.FinalCell!)); // (B, H)
        return new DecoderState(h, att, c);
    }

    /// <summary>Embeds target ids (with dropout in training): (...) → (..., E).</summary>
    public Tensor Embed(Tensor ids) => dropout.call(embed.call(ids));

    /// <summary>
    /// One step from the embedded previous token (B, E). Also returns the attention weights (B, S), or null when
    /// the model has no attention.
    /// </summary>
    public (DecoderState State, Tensor? Weights) Step(Tensor embedded, DecoderState state, EncodedSource source)
    {
        var x = inputFeeding ? cat([embedded, state.Attentional], dim: -1) : embedded; // (B, E+H)
        Tensor h;                                                                // (B, H)
        Tensor? c = null;                                                        // (B, H), LSTM only
        if (lstmCell is null) h = cell!.call(x, state.Hidden);
        else (h, c) = lstmCell.call(x, (state.Hidden, state.Cell!));
        Tensor context;                                                          // (B, K)
        Tensor? weights = null;                                                  // (B, S)
        if (attention is null) context = source.Values;                         // the summary, every step
        else (context, weights) = attention.Attend(h, source.Keys, source.Values, source.Mask);
        var att = tanh(combine.call(cat([h, context], dim: -1)));                // (B, H)
        return (new DecoderState(h, att, c), weights);
    }

    /// <summary>Output scores from attentional vectors: (..., H) → (..., V).</summary>
    public Tensor Logits(Tensor attentional) => output.call(dropout.call(attentional));
}

/// <summary>What every decoding step reads from the source side.</summary>
/// <param name="Values">
/// With attention, the encoder outputs (batch, src_len, K); without, the source summary, the encoder's final
/// state (batch, K).
/// </param>
/// <param name="Keys">Projected keys (batch, src_len, A); null when the scores read <paramref name="Values"/> (luong_dot) or without attention.</param>
/// <param name="Mask">True at real source positions (batch, src_len).</param>
public readonly record struct EncodedSource(Tensor Values, Tensor? Keys, Tensor Mask)
{
    /// <summary>Selects rows (sentences or beams) by index: (N) → a source of N rows.</summary>
    public EncodedSource Select(Tensor rows) =>
        new(Values.index_select(0, rows), Keys?.index_select(0, rows), Mask.index_select(0, rows));
}

/// <summary>The decoder's recurrent state.</summary>
/// <param name="Hidden">(batch, hidden)</param>
/// <param name="Attentional">The last attentional vector a_t (batch, hidden), fed back as input.</param>
/// <param name="Cell">The LSTM's cell state (batch, hidden); null for GRU and RNN.</param>
public readonly record struct DecoderState(Tensor Hidden, Tensor Attentional, Tensor? Cell = null)
{
    /// <summary>Selects rows (beams) by index.</summary>
    public DecoderState Select(Tensor rows) =>
        new(Hidden.index_select(0, rows), Attentional.index_select(0, rows), Cell?.index_select(0, rows));

    /// <summary>Hands the tensors to the enclosing dispose scope (a decoding step's state outlives the step).</summary>
    public DecoderState MoveToOuterDisposeScope() =>
        new(Hidden.MoveToOuterDisposeScope(), Attentional.MoveToOuterDisposeScope(), Cell?.MoveToOuterDisposeScope());

    /// <summary>Frees the tensors now (the previous step's state, once the next one is computed).</summary>
    public void Dispose()
    {
        Hidden.Dispose();
        Attentional.Dispose();
        Cell?.Dispose();
    }
}
