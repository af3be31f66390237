namespace Seq2Seq.Config;

/// <summary>The <c>model:</c> section of a <see cref="LanguageModelConfig"/>.</summary>
public sealed record LanguageModelNetworkConfig
{
    /// <summary>Recurrent cell: <c>gru</c>, <c>lstm</c> or <c>rnn</c> (tanh).</summary>
    public RnnType RnnType { get; init; } = RnnType.Gru;

    /// <summary>Hidden size of every layer.</summary>
    [Range(Above = 0)]
    public int Hidden { get; init; } = 128;

    /// <summary>Stacked recurrent layers.</summary>
    [Range(Above = 0)]
    public int Layers { get; init; } = 1;

    /// <summary>Character embedding size; 0 = one-hot input vectors, as in min-char-rnn.</summary>
    [Range(From = 0)]
    public int EmbeddingDim { get; init; } = 0;

    /// <summary>Dropout between stacked layers and before the output projection.</summary>
    [Range(From = 0, Below = 1)]
    public double Dropout { get; init; } = 0.0;
}
