using Seq2Seq.Config;
using Seq2Seq.Text;
using TorchSharp;
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
    private readonly Lock packLock = new();

    /// <summary>
    /// The largest table of every token's GRU input gates (vocabulary × 3 × hidden floats) that packing builds by
    /// default: 128 MiB (49 MiB at 8,000 tokens and hidden size 512). Beyond it, steps multiply the embeddings.
    /// </summary>
    public const long MaxTokenGatesBytes = 128L << 20;
    private PackedLayers? packed;                             // while decoding on the CPU (PackForDecoding)
    private int packHolders;

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
        return Attend(h, c, state, source);
    }

    /// <summary>
    /// Teacher-forced steps over the embedded target inputs (B, T, E) from the first state: the attentional
    /// vectors (B, T, H). The inputs are split with <c>unbind</c>, whose backward pass is one stack; indexing one
    /// step at a time made a zero tensor of the whole (B, T, E) per step in the backward pass. While gradients are
    /// recorded, the GRU's products and the combination take their weight gradients once for all steps
    /// (<see cref="UnrolledLinear"/>; <see cref="UnrolledWeightGradients"/>).
    /// </summary>
    public Tensor Unroll(Tensor embedded, DecoderState state, EncodedSource source)
    {
        using var scope = NewDisposeScope();
        var inputs = embedded.unbind(1);                                         // T × (B, E)
        var unrolled = Unrolled(inputs.Length, embedded.shape[0]);
        var attentional = new Tensor[inputs.Length];
        for (int t = 0; t < inputs.Length; t++)
        {
            // A step's intermediates (keys + query, the attention scores, ...) are released when the step ends;
            // what back-propagation needs, autograd keeps on its own. Held until the batch ends, the (B, S, A)
            // sums alone would take tens of MB per batch.
            using var stepScope = NewDisposeScope();
            if (unrolled is null) (state, _) = Step(inputs[t], state, source);
            else
            {
                var gru = unrolled.Input.Apply(t, unrolled.Token, inputFeeding ? [inputs[t], state.Attentional] : [inputs[t]]); // (B, 3H)
                var h = GruStep(gru, unrolled.Hidden.Apply(t, unrolled.Token, state.Hidden), state.Hidden); // (B, H)
                (state, _) = Attend(h, null, state, source, (unrolled, t));
            }
            state = state.MoveToOuterDisposeScope();
            attentional[t] = state.Attentional;                                  // (B, H)
        }
        return stack(attentional, dim: 1).MoveToOuterDisposeScope();             // (B, T, H)
    }

    /// <summary>
    /// Whether teacher-forced GRU steps take their weight gradients once per batch (<see cref="UnrolledLinear"/>)
    /// rather than through autograd step by step. The gradients are the same up to the order of the sums; a shard of
    /// 32 sentences at the reference's sizes ran its forward and backward pass 3–6% faster. Off only to compare the two.
    /// </summary>
    internal bool UnrolledWeightGradients { get; set; } = true;

    /// <summary>The GRU's and the combination's layers for <paramref name="steps"/> steps of a batch, when they apply.</summary>
    private UnrolledLayers? Unrolled(int steps, long rows)
    {
        if (!UnrolledWeightGradients || cell is not GRUCell gru || !is_grad_enabled() || !gru.weight_ih!.requires_grad)
            return null;
        var input = new UnrolledLinear(gru.weight_ih!, gru.bias_ih, steps, rows);
        var hidden = new UnrolledLinear(gru.weight_hh!, gru.bias_hh, steps, rows);
        var combination = new UnrolledLinear(combine.weight!, null, steps, rows);
        return new UnrolledLayers(input, hidden, combination, UnrolledLinear.Begin([input, hidden, combination]));
    }

    /// <summary>
    /// One decoding step from the previous tokens (B): <see cref="Step"/> on their embeddings, or, with the weights
    /// packed (<see cref="PackForDecoding"/>), a GRU step from packed products. There each token's input gates come
    /// from a table (its embedding already multiplied by the cell's input weights), to which the product of the
    /// fed-back attentional vector is added: the embedding's share of the product (6% of a step's multiply-adds at
    /// the reference's sizes) is never computed again.
    /// </summary>
    public (DecoderState State, Tensor? Weights) StepTokens(Tensor tokens, DecoderState state, EncodedSource source)
    {
        if (Packed(state.Hidden) is not { GruHidden: { } hh } p) return Step(Embed(tokens), state, source);
        Tensor inputGates;                                                       // (B, 3H)
        if (p.TokenGates is { } table)
        {
            inputGates = table.index_select(0, tokens);                         // (B, 3H), a fresh tensor
            p.GruAttentional?.AddTo(state.Attentional, inputGates);              // += a_{t-1} W_iaᵀ
        }
        else
        {
            var embedded = embed.call(tokens);                                   // (B, E)
            inputGates = p.GruInput!.Apply(inputFeeding ? cat([embedded, state.Attentional], dim: -1) : embedded);
        }
        var h = GruStep(inputGates, hh.Apply(state.Hidden), state.Hidden);       // (B, H)
        return Attend(h, null, state, source);
    }

    /// <summary>
    /// The rest of a step from the new state: attention and the attentional vector; with <paramref name="unrolled"/>,
    /// the combination is that step's product of the unrolled layers.
    /// </summary>
    private (DecoderState State, Tensor? Weights) Attend(Tensor h, Tensor? c, DecoderState state, EncodedSource source,
        (UnrolledLayers Layers, int Step)? unrolled = null)
    {
        Tensor context;                                                          // (B, K)
        Tensor? weights = null;                                                  // (B, S)
        if (attention is null) context = source.Values;                         // the summary, every step
        else (context, weights) = attention.Attend(h, source.Keys, source.Values, source.Mask);
        if (unrolled is var (layers, step))
            return (new DecoderState(h, tanh(layers.Combine.Apply(step, layers.Token, h, context)), c), weights); // (B, H)
        var hc = cat([h, context], dim: -1);                                     // (B, H+K)
        var att = tanh(Packed(hc)?.Combine?.Apply(hc) ?? combine.call(hc));     // (B, H)
        return (new DecoderState(h, att, c), weights);
    }

    /// <summary>
    /// The GRU cell from its two projections, x W_ihᵀ + b_ih and h W_hhᵀ + b_hh (B, 3H), gates in libtorch's order
    /// (reset, update, new) and its order of operations, so that packed decoding and unrolled training give
    /// GRUCell's numbers. In place while no gradients are recorded; autograd forbids writing into chunks.
    /// </summary>
    private static Tensor GruStep(Tensor inputGates, Tensor hiddenGates, Tensor hidden)
    {
        var i = inputGates.chunk(3, dim: 1);                                     // 3 × (B, H)
        var g = hiddenGates.chunk(3, dim: 1);                                    // 3 × (B, H)
        if (is_grad_enabled())
        {
            var r = (g[0] + i[0]).sigmoid();                                     // (B, H)
            var z = (g[1] + i[1]).sigmoid();                                     // (B, H)
            var n = (i[2] + g[2] * r).tanh();                                    // (B, H)
            return (hidden - n) * z + n;                                         // (B, H)
        }
        var reset = g[0].add_(i[0]).sigmoid_();                                  // (B, H)
        var update = g[1].add_(i[1]).sigmoid_();                                 // (B, H)
        var candidate = i[2].add(g[2].mul_(reset)).tanh_();                      // (B, H)
        return (hidden - candidate).mul_(update).add_(candidate);                // (B, H)
    }

    /// <summary>The packed layers when a step may use them: decoding (eval mode, no gradients) on the CPU.</summary>
    private PackedLayers? Packed(Tensor input) =>
        packed is { } p && !training && !is_grad_enabled() && input.device_type == DeviceType.CPU ? p : null;

    /// <summary>Output scores from attentional vectors: (..., H) → (..., V).</summary>
    public Tensor Logits(Tensor attentional)
    {
        if (Packed(attentional)?.Output is not { } packedOutput) return Logits(attentional, output.weight!, output.bias!);
        var logits = packedOutput.Apply(attentional.reshape(-1, HiddenSize));   // (N, V)
        return attentional.dim() == 2 ? logits : logits.reshape([.. attentional.shape[..^1], VocabSize]);
    }

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

    /// <summary>
    /// Packs the weights of a decoding step's matrix products (output layer, combination, GRU cell) for the CPU's
    /// matrix-product kernel (<see cref="PackedWeight"/>) until the returned handle is disposed: steps then skip the
    /// copy of each weight matrix that every plain product makes. For the GRU it also tabulates every target
    /// token's input gates (<see cref="StepTokens"/>) when the table takes at most <paramref name="maxTokenGatesBytes"/>.
    /// Holders share one pack (the first one's settings; the last one frees it); the weights must not change while
    /// it is held. Does nothing where packing is not available or the model is not on the CPU.
    /// <paramref name="rows"/> is the usual number of rows of a step (sentences × beam).
    /// </summary>
    public IDisposable PackForDecoding(int rows, long maxTokenGatesBytes = MaxTokenGatesBytes)
    {
        lock (packLock)
        {
            if (packHolders++ == 0 && PackedWeight.Available && output.weight!.device_type == DeviceType.CPU)
            {
                using var scope = NewDisposeScope();                             // the cell's weight_ih etc. are new handles
                using var noGrad = no_grad();
                Tensor? table = null;
                PackedWeight? input = null, attentional = null, hidden = null;
                if (cell is GRUCell gru)
                {
                    var w = gru.weight_ih!;                                      // (3H, E[+H])
                    long e = embed.weight!.shape[1];
                    if (VocabSize * w.shape[0] * sizeof(float) <= maxTokenGatesBytes)
                    {
                        // Every token's input gates from its embedding: emb W_ieᵀ + b_ih (V, 3H).
                        table = nn.functional.linear(embed.weight!, w[.., ..(int)e], gru.bias_ih).DetachFromDisposeScope();
                        if (inputFeeding) attentional = PackedWeight.TryPack(w[.., (int)e..], null, rows);
                    }
                    else input = PackedWeight.TryPack(w, gru.bias_ih, rows);
                    hidden = PackedWeight.TryPack(gru.weight_hh!, gru.bias_hh, rows);
                }
                packed = new PackedLayers(
                    PackedWeight.TryPack(output.weight!, output.bias, rows),
                    PackedWeight.TryPack(combine.weight!, null, rows),
                    table, attentional, input, hidden);
            }
        }
        return new PackHandle(this);
    }

    /// <summary>Whether packed weights are held now (<see cref="PackForDecoding"/>).</summary>
    internal bool IsPacked => packed is not null;

    /// <summary>Whether the pack held now has the table of every token's GRU input gates.</summary>
    internal bool HasTokenGates => packed?.TokenGates is not null;

    private void ReleasePack()
    {
        lock (packLock)
        {
            if (--packHolders > 0) return;
            packed?.Dispose();
            packed = null;
        }
    }

    /// <summary>
    /// The decoder's weights packed for decoding on the CPU; null where a layer is not packed. For the GRU: its
    /// hidden-state weights, and either the input gates of every target token (V, 3H) with the input weights on the
    /// attentional vector (input feeding), or, where that table would be too large, all its input weights.
    /// </summary>
    private sealed record PackedLayers(PackedWeight? Output, PackedWeight? Combine, Tensor? TokenGates, PackedWeight? GruAttentional,
        PackedWeight? GruInput, PackedWeight? GruHidden) : IDisposable
    {
        public void Dispose()
        {
            Output?.Dispose();
            Combine?.Dispose();
            TokenGates?.Dispose();
            GruAttentional?.Dispose();
            GruInput?.Dispose();
            GruHidden?.Dispose();
        }
    }

    /// <summary>One batch's unrolled layers and the token that ties their steps to the weight gradients.</summary>
    private sealed record UnrolledLayers(UnrolledLinear Input, UnrolledLinear Hidden, UnrolledLinear Combine, Tensor Token);

    private sealed class PackHandle(Decoder decoder) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) decoder.ReleasePack();
        }
    }
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
