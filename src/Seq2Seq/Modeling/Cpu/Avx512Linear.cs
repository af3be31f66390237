using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// A linear layer y = x Wᵀ (+ b) for decoding on the CPU whose products of <see cref="Avx512Product.MinRows"/> rows
/// or more run on <see cref="Avx512Product"/> when libtorch runs one thread (decoding's workers), where at creation it
/// gave the layer's own numbers bit for bit (<see cref="Avx512Product.MatchDepth"/>); other products run the layer's
/// function itself. For a layer that decoding multiplies unpacked (the attention's query layer), unlike
/// <see cref="PackedWeight"/>, whose reference is MKL's packed product.
/// <para>It reads the layer's weight and bias at every product, so they must not change while it lives; it holds its
/// own copy in the kernel's layout. Its methods only read, so threads may share it.</para>
/// </summary>
internal sealed class Avx512Linear : IDisposable
{
    private readonly Tensor weight;          // (N, K), the layer's
    private readonly Tensor? bias;           // (N) or null, the layer's
    private readonly Avx512Product avx512;   // the weight in the kernel's layout
    private readonly int depth;              // ... summed in blocks of this depth, as the layer sums

    private Avx512Linear(Tensor weight, Tensor? bias, Avx512Product avx512, int depth)
    {
        this.weight = weight;
        this.bias = bias;
        this.avx512 = avx512;
        this.depth = depth;
    }

    /// <summary>
    /// For the float CPU layer (<paramref name="weight"/> (N, K), <paramref name="bias"/> (N) or null); null where
    /// this processor has no AVX-512, the layer is not a float matrix on the CPU, or the kernel does not give its
    /// numbers.
    /// </summary>
    public static Avx512Linear? TryCreate(Tensor weight, Tensor? bias)
    {
        if (!Avx512Product.IsSupported || weight.device_type != DeviceType.CPU || weight.dtype != ScalarType.Float32 || weight.dim() != 2) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var contiguous = weight.detach().contiguous();                           // (N, K)
        var product = Avx512Product.Pack(Avx512Product.Address(contiguous), checked((int)weight.shape[0]), checked((int)weight.shape[1]));
        int depth = product.MatchDepth((x, b) => nn.functional.linear(x, weight, b), bias?.detach());
        if (depth > 0) return new Avx512Linear(weight, bias, product, depth);
        product.Dispose();
        return null;
    }

    /// <summary>x Wᵀ + b for x (M, K) → (M, N), without autograd.</summary>
    public Tensor Apply(Tensor input)
    {
        int m = checked((int)input.shape[0]), n = avx512.OutFeatures;
        if (m < Avx512Product.MinRows || get_num_threads() != 1) return nn.functional.linear(input, weight, bias);
        using var x = input.contiguous();                                        // (M, K)
        var y = empty(m, n);                                                     // (M, N)
        avx512.Multiply(Avx512Product.Address(x), m, Avx512Product.Address(y), n, bias is null ? IntPtr.Zero : Avx512Product.Address(bias), accumulate: false, depth);
        GC.KeepAlive(x);
        return y;
    }

    /// <summary>Frees the kernel's copy of the weight.</summary>
    public void Dispose() => avx512.Dispose();
}
