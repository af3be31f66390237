namespace Seq2Seq.Config;

/// <summary>The <c>model:</c> section (the reference architecture by default).</summary>
public sealed record ModelConfig
{
    /// <summary>
    /// Recurrent cell of encoder and decoder: <c>gru</c>, <c>lstm</c> (its cell state is bridged to the decoder too)
    /// or <c>rnn</c> (a plain tanh RNN).
    /// </summary>
    public RnnType RnnType { get; init; } = RnnType.Gru;

    /// <summary>Token embedding size, both sides.</summary>
    [Range(Above = 0)]
    public int EmbeddingDim { get; init; } = 256;

    /// <summary>Encoder hidden size per direction.</summary>
    [Range(Above = 0)]
    public int EncoderHidden { get; init; } = 256;

    /// <summary>Run the encoder in both directions.</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>Encoder layers.</summary>
    [Range(Above = 0)]
    public int EncoderLayers { get; init; } = 1;

    /// <summary>Decoder hidden size.</summary>
    [Range(Above = 0)]
    public int DecoderHidden { get; init; } = 512;

    /// <summary>Decoder layers: only 1 (one recurrent cell with attention and input feeding).</summary>
    [Range(Above = 0)]
    public int DecoderLayers { get; init; } = 1;

    /// <summary>
    /// Attention kind: <c>bahdanau</c> (additive), <c>luong_dot</c> (h_tᵀ enc_s; needs <see cref="DecoderHidden"/> equal
    /// to the encoder output size), <c>luong_general</c> (h_tᵀ W enc_s) or <c>none</c> (no attention: every step sees
    /// the encoder's final state instead).
    /// </summary>
    public AttentionType Attention { get; init; } = AttentionType.Bahdanau;

    /// <summary>Hidden size of the additive (<c>bahdanau</c>) attention; the other kinds do not use it.</summary>
    [Range(Above = 0)]
    public int AttentionDim { get; init; } = 512;

    /// <summary>Feed the previous attentional vector into the decoder cell.</summary>
    public bool InputFeeding { get; init; } = true;

    /// <summary>Dropout on embeddings and before the output projection.</summary>
    [Range(From = 0, Below = 1)]
    public double Dropout { get; init; } = 0.3;
}
