using System.Runtime.InteropServices;

namespace Seq2Seq;

/// <summary>
/// glibc malloc settings for a process that decodes. libtorch's CPU tensors come from malloc, and a decoding step
/// allocates and frees a few blocks of megabytes (the (rows, vocabulary) scores and their log-softmax, the attention's
/// (rows, source, attention) sums). By default glibc gives the top of a thread's heap back to the kernel once more than
/// twice its (adaptive) mmap threshold lies free there, so the next step's block is mapped again and every page of it
/// faults in anew. Keeping freed blocks up to 256 MiB in the heap and mapping only blocks over 32 MiB on their own
/// avoids that, for a little more peak memory. Training does not set it: there it gave no clear gain. The
/// measurements are in docs/performance.md ("What makes it fast").
/// </summary>
public static class MallocSettings
{
    private const int TrimThreshold = -1, MmapThreshold = -3; // mallopt's M_TRIM_THRESHOLD, M_MMAP_THRESHOLD

    /// <summary>Blocks at least this large are mapped on their own (glibc's largest allowed value on 64-bit, 32 MiB).</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory at the top of a heap is given back to the kernel only beyond this (256 MiB).</summary>
    public const int TrimThresholdBytes = 256 << 20;

    /// <summary>
    /// Sets <see cref="MmapThresholdBytes"/> and <see cref="TrimThresholdBytes"/> for the whole process, unless the
    /// user chose either threshold (<c>GLIBC_TUNABLES</c>, <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>)
    /// or this is not glibc on Linux. Returns whether both were set.
    /// </summary>
    public static bool KeepFreedMemoryForDecoding()
    {
        if (!OperatingSystem.IsLinux() || UserChoseThresholds(Environment.GetEnvironmentVariables())) return false;
        try
        {
            return MallOpt(MmapThreshold, MmapThresholdBytes) == 1 && MallOpt(TrimThreshold, TrimThresholdBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;                                                        // not glibc (musl has no mallopt)
        }
    }

    /// <summary>Whether <paramref name="environment"/> sets either threshold; the user's choice is left alone.</summary>
    internal static bool UserChoseThresholds(System.Collections.IDictionary environment) =>
        environment["MALLOC_MMAP_THRESHOLD_"] is not null || environment["MALLOC_TRIM_THRESHOLD_"] is not null ||
        environment["GLIBC_TUNABLES"] is string tunables &&
        (tunables.Contains("glibc.malloc.mmap_threshold", StringComparison.Ordinal) || tunables.Contains("glibc.malloc.trim_threshold", StringComparison.Ordinal));

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for two calls at start-up
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
#pragma warning restore SYSLIB1054
}
