using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Additive attention (Bahdanau et al. 2015): e_s = vᵀ tanh(W_k k_s + W_q q). The keys are projected once
/// per batch (<see cref="ProjectKeys"/>); each step only projects the query. Source padding gets weight 0.
/// </summary>
public sealed class BahdanauAttention : Attention
{
    private readonly Linear keyLayer;
    private readonly Linear queryLayer;
    private readonly Linear energyLayer;

    /// <summary>Builds the attention for encoder outputs of <paramref name="keySize"/> and queries of <paramref name="querySize"/>.</summary>
    public BahdanauAttention(long keySize, long querySize, long hidden) : base(nameof(BahdanauAttention))
    {
        keyLayer = nn.Linear(keySize, hidden, hasBias: false);
        queryLayer = nn.Linear(querySize, hidden, hasBias: false);
        energyLayer = nn.Linear(hidden, 1, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Projects the encoder outputs once per batch: (B, S, K) → (B, S, A).</summary>
    public override Tensor ProjectKeys(Tensor encoderOutput) => keyLayer.call(encoderOutput);

    /// <inheritdoc />
    public override (Tensor Context, Tensor Weights) Attend(Tensor query, Tensor? keys, Tensor values, Tensor mask)
    {
        var q = queryLayer.call(query).unsqueeze(1);                             // (B, 1, A)
        // In place: one (B, S, A) tensor a step instead of two (the sum is not needed by backward; tanh's output is).
        var energy = energyLayer.call((keys! + q).tanh_()).squeeze(2);           // (B, S)
        return Weigh(energy, values, mask);                                      // (B, K), (B, S)
    }
}
