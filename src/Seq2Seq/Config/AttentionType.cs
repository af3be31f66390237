namespace Seq2Seq.Config;

/// <summary>How the decoder scores the encoder outputs (<c>model.attention</c>).</summary>
public enum AttentionType
{
    /// <summary>Additive attention, vᵀ tanh(W_k enc_s + W_q h_t) (<c>bahdanau</c>).</summary>
    Bahdanau,

    /// <summary>Dot product h_tᵀ enc_s (<c>luong_dot</c>): the decoder state and the encoder outputs have one size.</summary>
    LuongDot,

    /// <summary>Bilinear h_tᵀ W enc_s (<c>luong_general</c>).</summary>
    LuongGeneral,

    /// <summary>No attention: every step reads the encoder's final state instead (<c>none</c>).</summary>
    None,
}
