namespace Seq2Seq.Config;

/// <summary>The <c>model:</c> section of a sentence classifier: the translation encoder, a pooling, a linear layer.</summary>
public sealed record ClassifierModelConfig
{
    /// <summary>Recurrent cell of the encoder: <c>gru</c>, <c>lstm</c> or <c>rnn</c> (tanh).</summary>
    public RnnType RnnType { get; init; } = RnnType.Gru;

    /// <summary>Token embedding size.</summary>
    [Range(Above = 0)]
    public int EmbeddingDim { get; init; } = 128;

    /// <summary>Encoder hidden size per direction.</summary>
    [Range(Above = 0)]
    public int EncoderHidden { get; init; } = 128;

    /// <summary>Run the encoder in both directions.</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>Encoder layers.</summary>
    [Range(Above = 0)]
    public int EncoderLayers { get; init; } = 1;

    /// <summary>How the encoder outputs become one vector: <c>last</c>, <c>mean</c> or <c>attention</c>.</summary>
    public PoolingType Pooling { get; init; } = PoolingType.Attention;

    /// <summary>Hidden size of the attention pooling's scores; the other poolings do not use it.</summary>
    [Range(Above = 0)]
    public int AttentionDim { get; init; } = 128;

    /// <summary>Dropout on the embeddings and on the pooled vector.</summary>
    [Range(From = 0, Below = 1)]
    public double Dropout { get; init; } = 0.2;
}
