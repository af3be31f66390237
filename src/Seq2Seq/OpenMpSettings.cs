using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Seq2Seq;

/// <summary>
/// libtorch runs its CPU thread pool on GNU OpenMP, whose idle threads spin-wait by default. Whenever another
/// thread or process wants a core (the .NET runtime's own threads, a second program, a busy shared machine),
/// the spinning threads take it from the one doing the work, and a step waits for a core instead of running
/// (docs/performance.md, "What makes it fast", has the measurements). Passive waiting costs a wake-up per parallel
/// region, which is small beside that. GNU OpenMP reads the setting once, when libtorch loads, so it is set as soon as this
/// library loads, before any TorchSharp call, and only when the user has not chosen a policy.
/// </summary>
internal static class OpenMpSettings
{
    /// <summary>The environment variable GNU OpenMP reads.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The setting only takes effect before libtorch loads, which any use of this library may trigger.")]
    [ModuleInitializer]
    internal static void PreferPassiveWaiting()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WaitPolicyVariable) is not null) return;
        // The native environment, which GNU OpenMP reads; Environment.SetEnvironmentVariable only changes .NET's copy.
        _ = SetEnv(WaitPolicyVariable, "PASSIVE", 0);
        Environment.SetEnvironmentVariable(WaitPolicyVariable, "PASSIVE");
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call at start-up
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
#pragma warning restore SYSLIB1054
}
