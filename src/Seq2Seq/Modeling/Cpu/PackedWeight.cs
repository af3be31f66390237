using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// A linear layer's weight packed once into the layout of MKL's single-precision matrix-product kernel
/// (<c>cblas_sgemm_pack</c>), for decoding on the CPU. A plain product copies its weight into that layout on every
/// call, every decoding step (docs/performance.md). A product with the packed weight runs the same kernel on the same blocks, so it gives the same numbers. Wide
/// layers are packed in column blocks (<see cref="BlockColumns"/>), one product per block.
/// MKL is reached through libtorch's CPU library, which carries it in the x64 builds; where it does not,
/// <see cref="TryPack"/> returns null and the plain layer is used.
/// <para>On a processor with AVX-512 the products of <see cref="Avx512Product.MinRows"/> rows or more run on
/// <see cref="Avx512Product"/> instead when libtorch runs one thread (decoding's workers), where at packing it gave
/// this pack's MKL products bit for bit (<see cref="Avx512Product.MatchDepth"/>).</para>
/// </summary>
internal sealed class PackedWeight : IDisposable
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112, BMatrix = 162, Packed = 151;

    /// <summary>
    /// Output columns per product: wider layers are packed and multiplied in equal blocks of at most this many columns.
    /// At 64 rows a block's results (64 × 1,024 floats, 256 KiB) stay in the core's L2 cache while the kernel runs
    /// over the layer's input size; the output layer (8,000 columns) in one product does not. Every output element
    /// is still one dot product over the same K, so the numbers do not change.
    /// </summary>
    private const int BlockColumns = 1024;

    private static readonly Lazy<bool> available = new(Probe);
    private readonly Tensor? bias;         // (N) or null
    private readonly (int Start, int Count, IntPtr Buffer)[] blocks; // the packed (K, N) right-hand matrix, by column blocks
    private readonly Avx512Product? avx512; // the same products on AVX-512, or null
    private readonly int depth;             // ... summing K in blocks of this depth, as MKL does; 0 without it

    private PackedWeight((int, int, IntPtr)[] blocks, long outFeatures, long inFeatures, Tensor? bias, Avx512Product? avx512 = null, int depth = 0)
    {
        this.blocks = blocks;
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
        this.bias = bias;
        this.avx512 = avx512;
        this.depth = depth;
    }

    /// <summary>The block depth of K with which <see cref="Avx512Product"/> gives MKL's numbers for this layer; 0 where it is not used.</summary>
    internal int Avx512Depth => depth;

    /// <summary>Output size N of the layer.</summary>
    public long OutFeatures { get; }

    /// <summary>Input size K of the layer.</summary>
    public long InFeatures { get; }

    /// <summary>Whether packed products can be had here (libtorch's CPU library exports MKL's packing functions).</summary>
    public static bool Available => available.Value;

    /// <summary>
    /// Packs <paramref name="weight"/> (N, K) of a layer y = x Wᵀ + b for products with up to
    /// <paramref name="rows"/> rows at a time (more rows work too; the count only guides MKL's blocking). Returns null
    /// where packing is not available or the weight is not a float CPU matrix.
    /// </summary>
    public static PackedWeight? TryPack(Tensor weight, Tensor? bias, int rows)
    {
        if (!Available || weight.device_type != DeviceType.CPU || weight.dtype != ScalarType.Float32 || weight.dim() != 2) return null;
        using var scope = NewDisposeScope();
        var contiguous = weight.detach().contiguous();                           // (N, K)
        int m = Math.Max(1, rows), n = checked((int)contiguous.shape[0]), k = checked((int)contiguous.shape[1]);
        int count = (n + BlockColumns - 1) / BlockColumns;
        var blocks = new (int, int, IntPtr)[count];
        for (int b = 0; b < count; b++)
        {
            int start = (int)((long)n * b / count), cols = (int)((long)n * (b + 1) / count) - start;
            var buffer = Marshal.AllocHGlobal(checked((nint)Mkl.PackSize(BMatrix, m, cols, k)));
            Mkl.Pack(RowMajor, BMatrix, Trans, m, cols, k, 1f, Address(contiguous) + (nint)((long)start * k * sizeof(float)), k, buffer);
            blocks[b] = (start, cols, buffer);
        }
        var packed = new PackedWeight(blocks, n, k, bias?.detach().clone().DetachFromDisposeScope());
        if (!Avx512Product.IsSupported) return packed;
        var avx512 = Avx512Product.Pack(Address(contiguous), n, k);
        int depth = avx512.MatchDepth(packed.MklProduct, packed.bias);
        if (depth > 0) return new PackedWeight(blocks, n, k, packed.bias, avx512, depth);
        avx512.Dispose();
        return packed;
    }

    /// <summary>x Wᵀ + b, or x Wᵀ for a null <paramref name="b"/>, by MKL on the packed blocks: (M, K) → (M, N).</summary>
    private Tensor MklProduct(Tensor x, Tensor? b)
    {
        int m = checked((int)x.shape[0]), n = (int)OutFeatures;
        var y = zeros(m, n);                                                     // (M, N), its own memory: never a view of b
        if (b is not null) y.add_(b, ScalarConstants.One);
        Multiply(x.contiguous(), y, beta: b is null ? 0f : 1f);
        return y;
    }

    /// <summary>Whether products may run on <see cref="Avx512Product"/> (true); false: MKL computes them all, for comparing the two.</summary>
    internal bool Avx512Enabled { get; set; } = true;

    /// <summary>Whether a product of <paramref name="rows"/> rows runs on <see cref="Avx512Product"/>.</summary>
    private bool OnAvx512(int rows) => Avx512Enabled && avx512 is not null && rows >= Avx512Product.MinRows && get_num_threads() == 1;

    /// <summary><see cref="TryPack"/> for callers that have checked packing is possible: throws where it is not.</summary>
    public static PackedWeight Pack(Tensor weight, Tensor? bias, int rows) =>
        TryPack(weight, bias, rows) ?? throw new InvalidOperationException("the weight could not be packed");

    /// <summary>x Wᵀ + b for x (M, K) → (M, N), without autograd.</summary>
    public Tensor Apply(Tensor input)
    {
        ObjectDisposedException.ThrowIf(blocks[0].Buffer == IntPtr.Zero, this);
        using var x = input.contiguous();                                        // (M, K)
        int m = checked((int)x.shape[0]), n = (int)OutFeatures;
        var y = empty(m, n);                                                     // (M, N), fresh memory: written in place
        if (OnAvx512(m))
        {
            avx512!.Multiply(Address(x), m, Address(y), n, bias is null ? IntPtr.Zero : Address(bias), accumulate: false, depth);
            GC.KeepAlive(x);
            return y;
        }
        if (bias is not null)
        {
            using var rows = bias.expand(m, n);                                  // (M, N), a view
            y.copy_(rows);
        }
        Multiply(x, y, beta: bias is null ? 0f : 1f);
        return y;
    }

    /// <summary>y = x Wᵀ + beta y, block by block, for contiguous x (M, K) and y (M, N).</summary>
    private void Multiply(Tensor x, Tensor y, float beta)
    {
        int m = checked((int)x.shape[0]), n = (int)OutFeatures, k = (int)InFeatures;
        IntPtr a = Address(x), c = Address(y);
        foreach (var (start, cols, buffer) in blocks)
            Mkl.Compute(RowMajor, NoTrans, Packed, m, cols, k, a, k, buffer, 0, beta, c + start * sizeof(float), n);
        GC.KeepAlive(x);
        GC.KeepAlive(y);
    }

    /// <summary>
    /// <paramref name="output"/> += x Wᵀ (+ b) in place, for x (M, K) and a contiguous float <paramref name="output"/>
    /// (M, N) of its own memory (not a view of another tensor's); without autograd.
    /// </summary>
    public void AddTo(Tensor input, Tensor output)
    {
        ObjectDisposedException.ThrowIf(blocks[0].Buffer == IntPtr.Zero, this);
        int m = checked((int)input.shape[0]), n = (int)OutFeatures;
        if (output.dtype != ScalarType.Float32 || !output.is_contiguous() || output.shape.Length != 2 || output.shape[0] != m || output.shape[1] != n)
            throw new ArgumentException($"expected a contiguous float ({m}, {n}) output", nameof(output));
        if (bias is not null) output.add_(bias, ScalarConstants.One);
        using var x = input.contiguous();                                        // (M, K)
        if (OnAvx512(m)) avx512!.Multiply(Address(x), m, Address(output), n, IntPtr.Zero, accumulate: true, depth);
        else Multiply(x, output, beta: 1f);
        GC.KeepAlive(x);
        GC.KeepAlive(output);
    }

    /// <summary>Frees the packed matrix.</summary>
    public void Dispose()
    {
        if (blocks[0].Buffer == IntPtr.Zero) return;
        for (int b = 0; b < blocks.Length; b++)
        {
            Marshal.FreeHGlobal(blocks[b].Buffer);
            blocks[b].Buffer = IntPtr.Zero;
        }
        avx512?.Dispose();
        bias?.Dispose();
    }

    /// <summary>The address of a contiguous float tensor's first element.</summary>
    private static IntPtr Address(Tensor t) => Avx512Product.Address(t);

    private static bool Probe()
    {
        try
        {
            return Mkl.PackSize(BMatrix, 1, 1, 1) > 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code; these take plain addresses
    private static class Mkl
    {
        [DllImport("libtorch_cpu", EntryPoint = "cblas_sgemm_pack_get_size")]
        public static extern nuint PackSize(int identifier, int m, int n, int k);

        [DllImport("libtorch_cpu", EntryPoint = "cblas_sgemm_pack")]
        public static extern void Pack(int layout, int identifier, int trans, int m, int n, int k, float alpha, IntPtr source, int ld, IntPtr destination);

        [DllImport("libtorch_cpu", EntryPoint = "cblas_sgemm_compute")]
        public static extern void Compute(int layout, int transA, int transB, int m, int n, int k, IntPtr a, int lda, IntPtr b, int ldb,
            float beta, IntPtr c, int ldc);
    }
#pragma warning restore SYSLIB1054
}
