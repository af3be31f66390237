using System.Collections;
using System.Runtime.InteropServices;

namespace Seq2Seq.Tests;

public class MallocSettingsTests
{
    /// <summary>glibc marks a block it mapped on its own with bit 1 of the size word just before the block.</summary>
    private static bool IsMappedOnItsOwn(IntPtr block) => (Marshal.ReadInt64(block - 8) & 2) != 0;

    [SkippableFact]
    public void BlocksBelowTheThresholdComeFromTheHeapAndLargerOnesAreMapped()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "glibc malloc settings exist on Linux only");
        Assert.True(MallocSettings.KeepFreedMemoryForDecoding(), "mallopt refused the settings");
        // 24 MiB would be mapped under glibc's defaults (128 KiB, adapting up to 32 MiB only after such blocks are freed).
        IntPtr heap = Marshal.AllocHGlobal(24 << 20), mapped = Marshal.AllocHGlobal(MallocSettings.MmapThresholdBytes + (8 << 20));
        try
        {
            Assert.False(IsMappedOnItsOwn(heap));
            Assert.True(IsMappedOnItsOwn(mapped));
        }
        finally
        {
            Marshal.FreeHGlobal(heap);
            Marshal.FreeHGlobal(mapped);
        }
    }

    [Theory]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=0", true)]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=131072", true)]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.arena_max=2", false)]         // other malloc settings combine with ours
    [InlineData("MALLOC_ARENA_MAX", "2", false)]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0", true)]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "131072", true)]
    [InlineData("PATH", "/usr/bin", false)]
    public void TheUsersOwnMallocSettingsAreLeftAlone(string name, string value, bool leftAlone) =>
        Assert.Equal(leftAlone, MallocSettings.UserChoseThresholds(new Hashtable { [name] = value }));
}
