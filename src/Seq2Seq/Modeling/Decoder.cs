using Seq2Seq.Config;
using Seq2Seq.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Recurrent decoder (GRU, LSTM or tanh RNN cell) with attention and input feeding (Luong order: the new state is
/// the query). One step:
/// <code>
/// x_t = [emb(y_{t-1}); a_{t-1}]          (input feeding; emb(y_{t-1}) alone without it)
/// h_t = cell(x_t, h_{t-1})
/// c_t, α_t = attend(h_t, source)
/// a_t = tanh(W_c [h_t; c_t])
/// logits_t = W_o dropout(a_t) + b_o
/// </code>
/// Without attention (<c>model.attention: none</c>), c_t is the same source summary (the encoder's final state) at
/// every step. The CPU fast paths (packed weights for decoding, once-per-batch weight gradients for training) are
/// objects of their own (Modeling/Cpu) that call the pieces of the step below.
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

    /// <summary>Decoder hidden size (also the attentional vector's size).</summary>
    public long HiddenSize { get; }

    /// <summary>Target vocabulary size.</summary>
    public long VocabSize { get; }

    /// <summary>Whether the previous attentional vector is part of the cell's input.</summary>
    public bool InputFeeding { get; }

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
            case RnnType.Gru: cell = nn.GRUCell(inputSize, hidden); break;
            case RnnType.Rnn: cell = nn.RNNCell(inputSize, hidden, nn.NonLinearities.Tanh); break;
            case RnnType.Lstm:
                cellBridge = nn.Linear(encoderSize, hidden);
                lstmCell = nn.LSTMCell(inputSize, hidden);
                break;
            default: throw new UserErrorException($"model.rnn_type: unknown value '{config.RnnType}'");
        }
        attention = Attention.Create(config, encoderSize, hidden);
        combine = nn.Linear(hidden + encoderSize, hidden, hasBias: false);
        output = nn.Linear(hidden, vocabSize);
        InputFeeding = config.InputFeeding;
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
        var mask = src.ne(ScalarConstants.PadId);                                // (B, S)
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
        var x = Input(embedded, state);                                          // (B, E+H)
        var (h, c) = Cell(x, state);                                             // (B, H), (B, H) or null
        var (context, weights) = Attend(h, source);                              // (B, K), (B, S) or null
        return (new DecoderState(h, Combine(h, context), c), weights);
    }

    /// <summary>
    /// Teacher-forced steps over the embedded target inputs (B, T, E) from the first state: the attentional
    /// vectors (B, T, H). The inputs are split with <c>unbind</c>, whose backward pass is one stack; indexing one
    /// step at a time made a zero tensor of the whole (B, T, E) per step in the backward pass.
    /// </summary>
    public Tensor Unroll(Tensor embedded, DecoderState state, EncodedSource source)
    {
        using var scope = NewDisposeScope();
        var inputs = embedded.unbind(1);                                         // T × (B, E)
        var attentional = new Tensor[inputs.Length];
        for (int t = 0; t < inputs.Length; t++)
        {
            // A step's intermediates (keys + query, the attention scores, ...) are released when the step ends;
            // what back-propagation needs, autograd keeps on its own.
            using var stepScope = NewDisposeScope();
            (state, _) = Step(inputs[t], state, source);
            state = state.MoveToOuterDisposeScope();
            attentional[t] = state.Attentional;                                  // (B, H)
        }
        return stack(attentional, dim: 1).MoveToOuterDisposeScope();             // (B, T, H)
    }

    /// <summary>The cell's input x_t = [emb(y_{t-1}); a_{t-1}] with input feeding, else emb(y_{t-1}): (B, E[+H]).</summary>
    public Tensor Input(Tensor embedded, DecoderState state) =>
        InputFeeding ? cat([embedded, state.Attentional], dim: -1) : embedded;  // (B, E+H)

    /// <summary>The recurrent cell: h_t = cell(x_t, h_{t-1}) (B, H), and the LSTM's cell state (B, H), else null.</summary>
    public (Tensor Hidden, Tensor? Cell) Cell(Tensor x, DecoderState state)
    {
        if (lstmCell is null) return (cell!.call(x, state.Hidden), null);       // (B, H)
        var (h, c) = lstmCell.call(x, (state.Hidden, state.Cell!));              // (B, H), (B, H)
        return (h, c);
    }

    /// <summary>
    /// The context c_t (B, K) for the new state <paramref name="hidden"/> (B, H) and the attention weights (B, S);
    /// without attention, the source summary and null.
    /// </summary>
    public (Tensor Context, Tensor? Weights) Attend(Tensor hidden, EncodedSource source)
    {
        if (attention is null) return (source.Values, null);                    // (B, K): the summary, every step
        var (context, weights) = attention.Attend(hidden, source.Keys, source.Values, source.Mask); // (B, K), (B, S)
        return (context, weights);
    }

    /// <summary>The attentional vector a_t = tanh(W_c [h_t; c_t]): (B, H), (B, K) → (B, H).</summary>
    public Tensor Combine(Tensor hidden, Tensor context) =>
        tanh(combine.call(cat([hidden, context], dim: -1)));                     // (B, H+K) → (B, H)

    /// <summary>Output scores from attentional vectors, dropout first: (..., H) → (..., V).</summary>
    public Tensor Logits(Tensor attentional) => Logits(attentional, output.weight!, output.bias!);

    /// <summary>
    /// Output scores from attentional vectors (..., H) → (..., V), dropout first, with the given output weight (V, H)
    /// and bias (V): the layer's own, or training's per-shard copies of them (<see cref="OutputWeight"/>,
    /// <see cref="OutputBias"/>).
    /// </summary>
    internal Tensor Logits(Tensor attentional, Tensor weight, Tensor bias) =>
        nn.functional.linear(dropout.call(attentional), weight, bias);

    /// <summary>The output layer's weight (V, H).</summary>
    internal Tensor OutputWeight => output.weight!;

    /// <summary>The output layer's bias (V).</summary>
    internal Tensor OutputBias => output.bias!;

    /// <summary>The target embeddings (V, E).</summary>
    internal Tensor EmbeddingWeight => embed.weight!;

    /// <summary>The combination's weight W_c (H, H+K).</summary>
    internal Tensor CombineWeight => combine.weight!;

    /// <summary>The attention; null for <c>model.attention: none</c>.</summary>
    internal Attention? Attention => attention;

    /// <summary>The GRU cell; null for the LSTM and the tanh RNN.</summary>
    internal GRUCell? Gru => cell as GRUCell;
}
