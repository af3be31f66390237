using Seq2Seq.Config;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// What the decoder's attention does each step: score every source position against the query (the decoder's
/// new state h_t), mask the padding, normalise, and return the weighted sum of the encoder outputs.
/// <see cref="Create"/> picks the kind named by <c>model.attention</c>.
/// </summary>
public abstract class Attention : nn.Module
{
    /// <summary>Builds the module named <paramref name="name"/>.</summary>
    protected Attention(string name) : base(name) { }

    /// <summary>
    /// The attention named by <see cref="ModelConfig.Attention"/> for encoder outputs of <paramref name="keySize"/>
    /// and decoder states of <paramref name="querySize"/>; null for <c>none</c> (the decoder then reads the source
    /// summary instead). The one place where the attention kind is chosen.
    /// </summary>
    /// <exception cref="UserErrorException">The kind is unknown, or <c>luong_dot</c> with different sizes.</exception>
    public static Attention? Create(ModelConfig config, long keySize, long querySize) => config.Attention switch
    {
        AttentionType.Bahdanau => new BahdanauAttention(keySize, querySize, config.AttentionDim),
        AttentionType.LuongGeneral => new LuongAttention(keySize, querySize, general: true),
        AttentionType.LuongDot when keySize == querySize => new LuongAttention(keySize, querySize, general: false),
        AttentionType.LuongDot => throw new UserErrorException(
            $"model.attention: luong_dot scores h_t·enc_s, so model.decoder_hidden ({querySize}) must equal the encoder's output size ({keySize}); " +
            "use luong_general, or change the sizes"),
        AttentionType.None => null,
        var other => throw new UserErrorException($"model.attention: unknown value '{other}'"),
    };

    /// <summary>
    /// What every step reads from the encoder outputs (B, S, K), computed once per batch: the projected keys, or
    /// null when the scores read the encoder outputs themselves.
    /// </summary>
    public abstract Tensor? ProjectKeys(Tensor encoderOutput);

    /// <summary>
    /// Attends with <paramref name="query"/> (B, Q) over the source. Returns the context (B, K) and the weights
    /// (B, S); <paramref name="keys"/> comes from <see cref="ProjectKeys"/>, <paramref name="mask"/> (B, S) is true
    /// at real source positions, which alone get weight.
    /// </summary>
    public abstract (Tensor Context, Tensor Weights) Attend(Tensor query, Tensor? keys, Tensor values, Tensor mask);

    /// <summary>Masked softmax over the scores (B, S) and the weighted sum of <paramref name="values"/> (B, S, K).</summary>
    protected static (Tensor Context, Tensor Weights) Weigh(Tensor energy, Tensor values, Tensor mask)
    {
        energy = energy.masked_fill(mask.logical_not(), ScalarConstants.NegativeInfinity); // (B, S)
        var weights = softmax(energy, dim: -1);                                  // (B, S)
        var context = bmm(weights.unsqueeze(1), values).squeeze(1);              // (B, K)
        return (context, weights);
    }
}
