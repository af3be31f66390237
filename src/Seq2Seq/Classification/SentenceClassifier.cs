using Seq2Seq.Config;
using Seq2Seq.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Classification;

/// <summary>
/// Many-to-one: the translation <see cref="Encoder"/> reads the sentence, a pooling (<c>model.pooling</c>: the last
/// states, the mean, or attention with a learned query) makes one vector of it, and a linear layer gives a score per
/// label: logits = W · dropout(pool(encoder(x))) + b.
/// </summary>
public sealed class SentenceClassifier : nn.Module
{
    private readonly Encoder encoder;
    private readonly AttentionPooling? attention;
    private readonly SeededDropout dropout;
    private readonly Linear output;
    private readonly PoolingType pooling;

    /// <summary>Builds the classifier of <paramref name="config"/> for a vocabulary and a number of labels.</summary>
    public SentenceClassifier(ClassifierModelConfig config, long vocabSize, long labels) : base(nameof(SentenceClassifier))
    {
        encoder = new Encoder(vocabSize, config.EmbeddingDim, config.EncoderHidden, config.EncoderLayers, config.Bidirectional,
            config.Dropout, config.RnnType);
        pooling = config.Pooling;
        if (pooling == PoolingType.Attention) attention = new AttentionPooling(encoder.OutputSize, config.AttentionDim);
        dropout = new SeededDropout(config.Dropout);
        output = nn.Linear(encoder.OutputSize, labels);
        RegisterComponents();
    }

    /// <summary>Whether the pooling has weights over the words to show (<c>attention</c>).</summary>
    public bool HasAttention => attention is not null;

    /// <summary>Label scores (B, L) of a padded batch (B, S) with CPU lengths (B).</summary>
    public Tensor Forward(Tensor src, Tensor lengths) => ForwardWithWeights(src, lengths).Logits;

    /// <summary>
    /// Label scores (B, L) and, for attention pooling, the pooling weights (B, S) (zero at padding); null weights for
    /// the other poolings.
    /// </summary>
    public (Tensor Logits, Tensor? Weights) ForwardWithWeights(Tensor src, Tensor lengths)
    {
        var encoded = encoder.call(src, lengths);                                // (B, S, K), (B, K)
        var lengthsHere = lengths.to(src.device);                               // (B)
        Tensor? weights = null;
        Tensor pooled;
        switch (pooling)
        {
            case PoolingType.Last:
                pooled = encoded.Final;                                          // (B, K)
                break;
            case PoolingType.Mean:
                // Padded positions of the outputs are zeros (pad_packed_sequence), so the sum runs over the words only.
                pooled = encoded.Output.sum(1) / lengthsHere.unsqueeze(1).to_type(encoded.Output.dtype); // (B, K)
                break;
            default:
                var words = ScalarConstants.Range(src.shape[1], src.device).unsqueeze(0) < lengthsHere.unsqueeze(1); // (B, S)
                (pooled, weights) = attention!.Pool(encoded.Output, words);      // (B, K), (B, S)
                break;
        }
        return (output.call(dropout.call(pooled)), weights);                    // (B, L)
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
