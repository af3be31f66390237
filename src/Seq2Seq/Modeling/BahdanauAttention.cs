using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Additive attention (Bahdanau et al. 2015): e_s = vᵀ tanh(W_k k_s + W_q q). The keys are projected once
/// per batch (<see cref="ProjectKeys"/>); each step only projects the query. Source padding gets weight 0.
/// <para>Computed as e'_s = 2vᵀ σ(2(W_k k_s + W_q q)) = e_s + vᵀ1, since tanh(x) = 2σ(2x) − 1; the shift vᵀ1 is the
/// same at every position and the softmax removes it (libtorch's CPU sigmoid is faster than its tanh).</para>
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

    /// <summary>Projects the encoder outputs once per batch, doubled for the sigmoid form: (B, S, K) → 2 W_k k (B, S, A).</summary>
    public override Tensor ProjectKeys(Tensor encoderOutput)
    {
        using var keys = keyLayer.call(encoderOutput);                          // (B, S, A): freed now, not when the batch ends
        return keys.mul(ScalarConstants.Two);                                    // (B, S, A)
    }

    // The doublings are not in place: in place on the layers' outputs (and on the squeezed energies, a view), they
    // slow down training's backward pass.

    /// <inheritdoc />
    public override (Tensor Context, Tensor Weights) Attend(Tensor query, Tensor? keys, Tensor values, Tensor mask) =>
        AttendProjected(queryLayer.call(query), keys!, values, mask);

    /// <summary>
    /// <see cref="Attend"/> from the projected query W_q q (B, A), computed by the caller (decoding's CPU fast path).
    /// </summary>
    internal (Tensor Context, Tensor Weights) AttendProjected(Tensor projectedQuery, Tensor keys, Tensor values, Tensor mask)
    {
        var q = projectedQuery.mul(ScalarConstants.Two).unsqueeze(1);            // (B, 1, A): 2 W_q q
        // In place: one (B, S, A) tensor a step instead of two (the sum is not needed by backward; sigmoid's output is).
        var energy = energyLayer.call(keys.add(q, ScalarConstants.One).sigmoid_()).squeeze(2).mul(ScalarConstants.Two); // (B, S): e_s + vᵀ1
        return Weigh(energy, values, mask);                                      // (B, K), (B, S)
    }

    /// <summary>The query layer's weight W_q (A, Q).</summary>
    internal Tensor QueryWeight => queryLayer.weight!;
}
