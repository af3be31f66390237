using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// A layer's products y = x Wᵀ on AVX-512, summed in the order MKL's kernel sums them, so that they give MKL's
/// numbers bit for bit: the input size K is cut into blocks of <c>depth</c>, each block's dot product is a chain of
/// fused multiply-adds from zero, and the blocks are added to the output one after the other. MKL picks the depth
/// itself, so <see cref="MatchDepth"/> finds it by comparing with MKL's products, and callers (<see cref="PackedWeight"/>,
/// <see cref="Avx512Linear"/>) use this only where they agree.
/// <para>The weight is held as panels of 64 output columns, each K × 64 floats in a row (zero past N), and a tile of
/// 6 rows × 64 columns is summed in 24 of the 32 vector registers. MKL runs its AVX2 kernel on AMD processors even
/// where they have AVX-512; this kernel is faster there (docs/performance.md).</para>
/// </summary>
internal sealed unsafe class Avx512Product : IDisposable
{
    private const int PanelWidth = 64;   // output columns per panel: 4 vectors of 16 floats
    private const int TileRows = 6;      // rows summed at once: 6 × 4 accumulators

    /// <summary>
    /// The fewest rows callers run here: MKL sums fewer rows in another order, and at more than one thread it splits
    /// products in ways that change the sums, so those stay with MKL.
    /// </summary>
    public const int MinRows = 4;

    /// <summary>Probe row counts: two full tiles and a partial one, and the fewest rows.</summary>
    private static readonly int[] ProbeRows = [13, MinRows];

    private float* panels;               // ⌈N / 64⌉ panels of K × 64 floats

    private Avx512Product(float* panels, int outFeatures, int inFeatures)
    {
        this.panels = panels;
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
    }

    /// <summary>Whether this processor runs AVX-512 (foundation instructions) and .NET uses them.</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>Output size N.</summary>
    public int OutFeatures { get; }

    /// <summary>Input size K.</summary>
    public int InFeatures { get; }

    /// <summary>Copies the row-major float weight (N, K) at <paramref name="weight"/> into panels. Needs <see cref="IsSupported"/>.</summary>
    public static Avx512Product Pack(IntPtr weight, int outFeatures, int inFeatures) => Pack((float*)weight, outFeatures, inFeatures);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]                 // optimised at once: no slow first tier
    private static Avx512Product Pack(float* weight, int outFeatures, int inFeatures)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("this processor has no AVX-512");
        int count = (outFeatures + PanelWidth - 1) / PanelWidth;
        nuint floats = checked((nuint)count * (nuint)inFeatures * PanelWidth);
        var panels = (float*)NativeMemory.AlignedAlloc(floats * sizeof(float), 64);
        NativeMemory.Clear(panels, floats * sizeof(float));
        for (int j = 0; j < outFeatures; j++)                                    // W[j, k] → panel j / 64, row k, column j % 64
        {
            float* row = weight + (long)j * inFeatures, column = panels + (long)(j / PanelWidth) * inFeatures * PanelWidth + j % PanelWidth;
            for (int k = 0; k < inFeatures; k++) column[(long)k * PanelWidth] = row[k];
        }
        return new Avx512Product(panels, outFeatures, inFeatures);
    }

    /// <summary>
    /// The block depth of K with which these products give <paramref name="reference"/>'s numbers bit for bit, or 0
    /// when no depth tried does. <paramref name="reference"/>(x, b) computes x Wᵀ + b, or x Wᵀ for a null b; it is
    /// compared on probe rows (deterministic values; the random generator is left alone) with <paramref name="bias"/>
    /// (N; probe values where the layer has none) and without, with libtorch (and so MKL) on one thread meanwhile,
    /// as in decoding's workers: at more threads MKL may split a product in ways that change its sums.
    /// </summary>
    public int MatchDepth(Func<Tensor, Tensor?, Tensor> reference, Tensor? bias)
    {
        int pool = get_num_threads();
        if (pool != 1) set_num_threads(1);
        try
        {
            using var scope = NewDisposeScope();
            int n = OutFeatures, k = InFeatures;
            bias ??= tensor(Enumerable.Range(0, n).Select(j => MathF.Cos(0.3f * j)).ToArray());                   // (N)
            var probes = ProbeRows.Select(m => tensor(Enumerable.Range(0, m * k).Select(i => MathF.Sin(0.7f * i)).ToArray()).view(m, k)).ToArray(); // (M, K)
            var expected = probes.Select(x => (With: reference(x, bias), Without: reference(x, null))).ToArray();
            foreach (int depth in new[] { k, (k + 1) / 2, 192, 256, 128, 384, 96, 64, 160, 320, 48, 32, 16 }.Where(d => d <= k).Distinct())
            {
                bool agrees = true;
                for (int p = 0; p < probes.Length && agrees; p++)
                {
                    var x = probes[p];
                    int m = (int)x.shape[0];
                    var with = empty(m, n);
                    var without = empty(m, n);
                    Multiply(Address(x), m, Address(with), n, Address(bias), accumulate: false, depth);
                    Multiply(Address(x), m, Address(without), n, IntPtr.Zero, accumulate: false, depth);
                    agrees = with.eq(expected[p].With).all().item<bool>() && without.eq(expected[p].Without).all().item<bool>();
                }
                if (agrees) return depth;
            }
            return 0;
        }
        finally
        {
            if (pool != 1) set_num_threads(pool);
        }
    }

    /// <summary>The address of a contiguous float tensor's first element.</summary>
    internal static IntPtr Address(Tensor t) => t.storage<float>().data_ptr() + (nint)(t.storage_offset() * sizeof(float));

    /// <summary>
    /// y (M, N) with row stride <paramref name="ldy"/> for x (M, K) contiguous: with <paramref name="accumulate"/>,
    /// y += x Wᵀ; else y = b + x Wᵀ with <paramref name="bias"/> (N), or y = x Wᵀ without. K is summed in blocks of
    /// <paramref name="depth"/>, each block added to y in turn. Addresses of float memory; <paramref name="bias"/> may be zero.
    /// </summary>
    public void Multiply(IntPtr x, int rows, IntPtr y, int ldy, IntPtr bias, bool accumulate, int depth) =>
        Multiply((float*)x, rows, (float*)y, ldy, (float*)bias, accumulate, depth);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]                 // optimised at once: no slow first tier
    private void Multiply(float* x, int rows, float* y, int ldy, float* bias, bool accumulate, int depth)
    {
        ObjectDisposedException.ThrowIf(panels == null, this);
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth));
        float* tile = stackalloc float[TileRows * PanelWidth];
        for (int p = 0; p * PanelWidth < OutFeatures; p++)
            for (int r = 0; r < rows; r += TileRows)
                Tile(x, r, Math.Min(TileRows, rows - r), p, y, ldy, bias, accumulate, depth, tile);
    }

    /// <summary>
    /// Rows [row, row + count) of y, columns of panel <paramref name="p"/>, summed in <paramref name="tile"/> (6 × 64)
    /// and copied out: 5 or 6 rows as 6, fewer as 4, repeating the last row and not writing the copies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]                 // optimised at once: no slow first tier
    private void Tile(float* x, int row, int count, int p, float* y, int ldy, float* bias, bool accumulate, int depth, float* tile)
    {
        int k = InFeatures, column = p * PanelWidth, width = Math.Min(PanelWidth, OutFeatures - column);
        bool fromZero = !accumulate && bias == null;                            // the first block's sum is y as it is
        if (!fromZero)
            for (int i = 0; i < count; i++)
                Copy(accumulate ? y + (long)(row + i) * ldy + column : bias + column, tile + i * PanelWidth, width);
        float* a0 = x + (long)row * k, a1 = x + (long)(row + Math.Min(1, count - 1)) * k, a2 = x + (long)(row + Math.Min(2, count - 1)) * k,
            a3 = x + (long)(row + Math.Min(3, count - 1)) * k, a4 = x + (long)(row + Math.Min(4, count - 1)) * k, a5 = x + (long)(row + Math.Min(5, count - 1)) * k;
        float* b = panels + (long)p * k * PanelWidth;
        for (int start = 0; start < k; start += depth)
        {
            int end = Math.Min(k, start + depth);
            if (count > 4) Block<SixRows>(a0, a1, a2, a3, a4, a5, b, start, end, tile, set: fromZero && start == 0);
            else Block<FourRows>(a0, a1, a2, a3, a4, a5, b, start, end, tile, set: fromZero && start == 0);
        }
        for (int i = 0; i < count; i++) Copy(tile + i * PanelWidth, y + (long)(row + i) * ldy + column, width);
    }

    /// <summary>Copies <paramref name="width"/> (at most 64) floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* from, float* to, int width)
    {
        if (width == PanelWidth)
        {
            Vector512.Load(from).Store(to);
            Vector512.Load(from + 16).Store(to + 16);
            Vector512.Load(from + 32).Store(to + 32);
            Vector512.Load(from + 48).Store(to + 48);
        }
        else new ReadOnlySpan<float>(from, width).CopyTo(new Span<float>(to, width));
    }

    /// <summary>A block of 6 rows (<see cref="Block{TRows}"/>).</summary>
    private struct SixRows;

    /// <summary>A block of 4 rows: a4 and a5 are not read.</summary>
    private struct FourRows;

    /// <summary>
    /// One block of K, [start, end): the 6 × 64 (or 4 × 64) dot products as chains of fused multiply-adds from zero,
    /// then tile = sum (<paramref name="set"/>) or tile += sum. The row count is a type so that the compiler makes
    /// one loop for each, without the other's instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]                 // optimised at once: no slow first tier
    private static void Block<TRows>(float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, float* panel, int start, int end, float* tile, bool set)
        where TRows : struct
    {
        bool six = typeof(TRows) == typeof(SixRows);                            // a constant in each compiled copy
        var c00 = Vector512<float>.Zero; var c01 = c00; var c02 = c00; var c03 = c00;
        var c10 = c00; var c11 = c00; var c12 = c00; var c13 = c00;
        var c20 = c00; var c21 = c00; var c22 = c00; var c23 = c00;
        var c30 = c00; var c31 = c00; var c32 = c00; var c33 = c00;
        var c40 = c00; var c41 = c00; var c42 = c00; var c43 = c00;
        var c50 = c00; var c51 = c00; var c52 = c00; var c53 = c00;
        float* b = panel + (long)start * PanelWidth;
        for (int k = start; k < end; k++, b += PanelWidth)
        {
            var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16); var b2 = Vector512.Load(b + 32); var b3 = Vector512.Load(b + 48);
            var a = Vector512.Create(a0[k]);
            c00 = Avx512F.FusedMultiplyAdd(a, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a, b1, c01);
            c02 = Avx512F.FusedMultiplyAdd(a, b2, c02); c03 = Avx512F.FusedMultiplyAdd(a, b3, c03);
            a = Vector512.Create(a1[k]);
            c10 = Avx512F.FusedMultiplyAdd(a, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a, b1, c11);
            c12 = Avx512F.FusedMultiplyAdd(a, b2, c12); c13 = Avx512F.FusedMultiplyAdd(a, b3, c13);
            a = Vector512.Create(a2[k]);
            c20 = Avx512F.FusedMultiplyAdd(a, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a, b1, c21);
            c22 = Avx512F.FusedMultiplyAdd(a, b2, c22); c23 = Avx512F.FusedMultiplyAdd(a, b3, c23);
            a = Vector512.Create(a3[k]);
            c30 = Avx512F.FusedMultiplyAdd(a, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a, b1, c31);
            c32 = Avx512F.FusedMultiplyAdd(a, b2, c32); c33 = Avx512F.FusedMultiplyAdd(a, b3, c33);
            if (!six) continue;
            a = Vector512.Create(a4[k]);
            c40 = Avx512F.FusedMultiplyAdd(a, b0, c40); c41 = Avx512F.FusedMultiplyAdd(a, b1, c41);
            c42 = Avx512F.FusedMultiplyAdd(a, b2, c42); c43 = Avx512F.FusedMultiplyAdd(a, b3, c43);
            a = Vector512.Create(a5[k]);
            c50 = Avx512F.FusedMultiplyAdd(a, b0, c50); c51 = Avx512F.FusedMultiplyAdd(a, b1, c51);
            c52 = Avx512F.FusedMultiplyAdd(a, b2, c52); c53 = Avx512F.FusedMultiplyAdd(a, b3, c53);
        }
        Row(tile, c00, c01, c02, c03, set);
        Row(tile + PanelWidth, c10, c11, c12, c13, set);
        Row(tile + 2 * PanelWidth, c20, c21, c22, c23, set);
        Row(tile + 3 * PanelWidth, c30, c31, c32, c33, set);
        if (!six) return;
        Row(tile + 4 * PanelWidth, c40, c41, c42, c43, set);
        Row(tile + 5 * PanelWidth, c50, c51, c52, c53, set);
    }

    /// <summary>One tile row = its block sums (<paramref name="set"/>), or += them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]                 // optimised at once: no slow first tier
    private static void Row(float* row, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, bool set)
    {
        if (!set)
        {
            s0 = Vector512.Load(row) + s0;
            s1 = Vector512.Load(row + 16) + s1;
            s2 = Vector512.Load(row + 32) + s2;
            s3 = Vector512.Load(row + 48) + s3;
        }
        s0.Store(row);
        s1.Store(row + 16);
        s2.Store(row + 32);
        s3.Store(row + 48);
    }

    /// <summary>Frees the panels.</summary>
    public void Dispose()
    {
        if (panels == null) return;
        NativeMemory.AlignedFree(panels);
        panels = null;
    }
}
