using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Multiplicative attention (Luong et al. 2015) scored on the decoder's current state h_t:
/// <c>dot</c> e_s = h_tᵀ enc_s (needs decoder and encoder output sizes equal), <c>general</c> e_s = h_tᵀ W enc_s,
/// with W enc projected once per batch (<see cref="ProjectKeys"/>). Source padding gets weight 0.
/// </summary>
public sealed class LuongAttention : Attention
{
    private readonly Linear? keyLayer;

    /// <summary>
    /// Builds the attention for encoder outputs of <paramref name="keySize"/> and decoder states of
    /// <paramref name="querySize"/>: the <c>general</c> score when <paramref name="general"/>, else <c>dot</c>.
    /// </summary>
    public LuongAttention(long keySize, long querySize, bool general) : base(nameof(LuongAttention))
    {
        if (!general && keySize != querySize)
            throw new ArgumentException($"the dot score needs equal key and query sizes (got {keySize} and {querySize})");
        keyLayer = general ? nn.Linear(keySize, querySize, hasBias: false) : null;
        RegisterComponents();
    }

    /// <summary><c>general</c>: W enc, (B, S, K) → (B, S, Q), once per batch; <c>dot</c>: null (the scores read enc itself).</summary>
    public override Tensor? ProjectKeys(Tensor encoderOutput) => keyLayer?.call(encoderOutput);

    /// <inheritdoc />
    public override (Tensor Context, Tensor Weights) Attend(Tensor query, Tensor? keys, Tensor values, Tensor mask)
    {
        var energy = bmm(keys ?? values, query.unsqueeze(2)).squeeze(2);        // (B, S, Q) × (B, Q, 1) → (B, S)
        return Weigh(energy, values, mask);                                      // (B, K), (B, S)
    }
}
