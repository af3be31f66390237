using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// The GRU cell from its two projections, x W_ihᵀ + b_ih and h W_hhᵀ + b_hh (B, 3H), for the fast paths that
/// compute those products themselves. Gates in libtorch's order (reset, update, new) and its order of operations,
/// so that the results are GRUCell's numbers:
/// r = σ(i_r + g_r), z = σ(i_z + g_z), n = tanh(i_n + r ⊙ g_n), h' = (h − n) ⊙ z + n.
/// </summary>
internal static class GruGates
{
    /// <summary>The new state (B, H), through autograd (teacher-forced training).</summary>
    public static Tensor Step(Tensor inputGates, Tensor hiddenGates, Tensor hidden)
    {
        var i = inputGates.chunk(3, dim: 1);                                     // 3 × (B, H)
        var g = hiddenGates.chunk(3, dim: 1);                                    // 3 × (B, H)
        var r = g[0].add(i[0], ScalarConstants.One).sigmoid();                   // (B, H)
        var z = g[1].add(i[1], ScalarConstants.One).sigmoid();                   // (B, H)
        var n = i[2].add(g[2] * r, ScalarConstants.One).tanh();                  // (B, H)
        return ((hidden - n) * z).add(n, ScalarConstants.One);                   // (B, H)
    }

    /// <summary>
    /// The new state (B, H), written into the gates' own memory: for decoding without gradients only (autograd
    /// forbids writing into chunks), where it saves a tensor per operation.
    /// </summary>
    public static Tensor StepInPlace(Tensor inputGates, Tensor hiddenGates, Tensor hidden)
    {
        var i = inputGates.chunk(3, dim: 1);                                     // 3 × (B, H)
        var g = hiddenGates.chunk(3, dim: 1);                                    // 3 × (B, H)
        var reset = g[0].add_(i[0], ScalarConstants.One).sigmoid_();             // (B, H)
        var update = g[1].add_(i[1], ScalarConstants.One).sigmoid_();            // (B, H)
        var candidate = i[2].add(g[2].mul_(reset), ScalarConstants.One).tanh_(); // (B, H)
        return (hidden - candidate).mul_(update).add_(candidate, ScalarConstants.One); // (B, H)
    }
}
