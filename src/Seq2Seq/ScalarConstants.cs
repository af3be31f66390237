using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq;

/// <summary>
/// The TorchSharp <see cref="Scalar"/>s that training and decoding pass to libtorch, held for the life of the process.
/// <para>
/// Why: TorchSharp hands libtorch only a Scalar's native handle, so a Scalar converted from a number inside a call
/// (<c>t.mul(2)</c>, <c>t / n</c>) is garbage as soon as the handle is read; a collection started by another thread
/// can then finalize it, freeing the native value while libtorch still reads it (a crash, or a wrong number). The
/// workers allocate all the time, so collections during libtorch calls are frequent. Constants therefore live here;
/// a value that changes is held in a <c>using</c> local (or a field) for as long as the calls that read it.
/// </para>
/// </summary>
internal static class ScalarConstants
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0;

    /// <summary>The integer 1.</summary>
    public static readonly Scalar One = 1;

    /// <summary>The integer 2.</summary>
    public static readonly Scalar Two = 2;

    /// <summary>Single-precision −∞ (masked attention scores, impossible beam scores).</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity;

    /// <summary><see cref="TextTokenizer.PadId"/>.</summary>
    public static readonly Scalar PadId = TextTokenizer.PadId;

    /// <summary><see cref="TextTokenizer.BosId"/>.</summary>
    public static readonly Scalar BosId = TextTokenizer.BosId;

    /// <summary><see cref="TextTokenizer.EosId"/>.</summary>
    public static readonly Scalar EosId = TextTokenizer.EosId;

    /// <summary>
    /// 0, 1, …, <paramref name="stop"/> − 1 as Int64 on <paramref name="device"/>: <c>arange(stop)</c>, whose TorchSharp
    /// overload converts its own 0 and 1 inside the call.
    /// </summary>
    public static Tensor Range(long stop, Device device)
    {
        using Scalar end = stop;
        return arange(Zero, end, One, ScalarType.Int64, device);
    }
}
