using Seq2Seq.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// min-char-rnn's model on TorchSharp's modules: each character becomes a one-hot vector (or, with
/// <c>embedding_dim</c> &gt; 0, a learned embedding), runs through a stack of GRU, LSTM or tanh RNN layers, and a
/// linear layer turns every hidden state into scores for the next character. A chunk of character ids goes in
/// with the state the previous chunk left; its scores and the state after its last character come out.
/// </summary>
public sealed class CharLanguageModel : nn.Module<Tensor, CharLanguageModelState?, (Tensor Logits, CharLanguageModelState State)>
{
    private readonly Embedding? embed;
    private readonly nn.Module rnn;          // GRU, LSTM or RNN (tanh), batch first
    private readonly Dropout dropout;
    private readonly Linear output;

    /// <summary>Number of distinct characters (the input and output size).</summary>
    public int VocabSize { get; }

    /// <summary>The network's shape.</summary>
    public LanguageModelNetworkConfig Shape { get; }

    /// <summary>Builds the network for <paramref name="vocabSize"/> characters.</summary>
    /// <exception cref="ArgumentException">An unknown <c>rnn_type</c> (configs are validated before this).</exception>
    public CharLanguageModel(LanguageModelNetworkConfig shape, int vocabSize) : base(nameof(CharLanguageModel))
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        VocabSize = vocabSize;
        long input = shape.EmbeddingDim > 0 ? shape.EmbeddingDim : vocabSize;
        if (shape.EmbeddingDim > 0) embed = nn.Embedding(vocabSize, shape.EmbeddingDim);
        double between = shape.Layers > 1 ? shape.Dropout : 0.0;                 // libtorch's dropout between stacked layers
        rnn = shape.RnnType switch
        {
            RnnType.Gru => nn.GRU(input, shape.Hidden, numLayers: shape.Layers, batchFirst: true, dropout: between),
            RnnType.Lstm => nn.LSTM(input, shape.Hidden, numLayers: shape.Layers, batchFirst: true, dropout: between),
            RnnType.Rnn => nn.RNN(input, shape.Hidden, numLayers: shape.Layers, nonLinearity: nn.NonLinearities.Tanh, batchFirst: true, dropout: between),
            _ => throw new ArgumentException($"unknown rnn_type '{shape.RnnType}'", nameof(shape)),
        };
        dropout = nn.Dropout(shape.Dropout);
        output = nn.Linear(shape.Hidden, vocabSize);
        RegisterComponents();
    }

    /// <summary>
    /// Reads a chunk of character ids (B, T) from <paramref name="state"/> (zeros when null) and returns the scores
    /// of the next character at every position (B, T, V) and the state after the chunk (layers, B, H).
    /// </summary>
    public override (Tensor Logits, CharLanguageModelState State) forward(Tensor ids, CharLanguageModelState? state)
    {
        var x = embed is null
            ? nn.functional.one_hot(ids, VocabSize).to(ScalarType.Float32)       // (B, T, V)
            : embed.call(ids);                                                   // (B, T, E)
        Tensor hidden;                                                           // (B, T, H)
        CharLanguageModelState next;
        switch (rnn)
        {
            case LSTM lstm:
                var (lstmOut, hN, cN) = lstm.call(x, state is { } s ? (s.Hidden, s.Cell!) : null); // (B, T, H), (L, B, H) ×2
                (hidden, next) = (lstmOut, new CharLanguageModelState(hN, cN));
                break;
            case GRU gru:
                var (gruOut, gruN) = gru.call(x, state?.Hidden);                 // (B, T, H), (L, B, H)
                (hidden, next) = (gruOut, new CharLanguageModelState(gruN, null));
                break;
            default:
                var (rnnOut, rnnN) = ((RNN)rnn).call(x, state?.Hidden);          // (B, T, H), (L, B, H)
                (hidden, next) = (rnnOut, new CharLanguageModelState(rnnN, null));
                break;
        }
        var logits = output.call(dropout.call(hidden));                          // (B, T, V)
        return (logits, next);
    }

    /// <summary>Number of trainable weights.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
