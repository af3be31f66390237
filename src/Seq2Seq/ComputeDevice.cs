using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq;

/// <summary>
/// Turns <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> into a torch device. TorchSharp's native code is
/// loaded first, so that a missing libtorch or LibTorchSharp shim, or a CUDA device on a build or machine without a
/// usable GPU, is a one-line <see cref="UserErrorException"/> saying why rather than a crash.
/// </summary>
public static class ComputeDevice
{
    private static readonly Lazy<string?> NativeLoadFailure = new(LoadNative);

    /// <summary>Resolves the name; <c>auto</c> picks CUDA when libtorch can use it.</summary>
    /// <exception cref="UserErrorException">Unknown name, native code that does not load, or no usable GPU for <c>cuda</c>.</exception>
    public static Device Resolve(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        int index = -1;
        bool wantsCuda = n == "cuda" || (n.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(n.AsSpan(5), out index) && index >= 0);
        if (n != "cpu" && n != "auto" && !wantsCuda)
            throw new UserErrorException($"unknown device '{name}' (expected cpu, cuda, cuda:N or auto)");
        EnsureNativeLoaded();
        if (n == "cpu") return CPU;
        if (n == "auto") return cuda.is_available() ? CUDA : CPU;
        if (!cuda.is_available()) throw new UserErrorException($"device {n}: {WhyNoCuda()}");
        int count = cuda.device_count();
        if (index >= count) throw new UserErrorException($"device {n}: there {(count == 1 ? "is 1 GPU" : $"are {count} GPUs")} (cuda:0 to cuda:{count - 1})");
        return new Device(n);
    }

    /// <summary>
    /// Loads libtorch and TorchSharp's LibTorchSharp shim now (once per process) instead of at the first tensor.
    /// </summary>
    /// <exception cref="UserErrorException">The native libraries cannot be loaded; the message names the library and why.</exception>
    public static void EnsureNativeLoaded()
    {
        if (NativeLoadFailure.Value is string why) throw new UserErrorException(why);
    }

    private static string? LoadNative()
    {
        var stdout = Console.Out;
        try
        {
            // When loading fails, TorchSharp writes its whole load trace to stdout before throwing; we say it in one line.
            Console.SetOut(TextWriter.Null);
            torch.TryInitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            string why = e.GetBaseException() is EntryPointNotFoundException missing
                ? $"{missing.Message} (a shim built from another TorchSharp version than the one referenced?)"
                : ShimLoadError();
            return $"cannot load TorchSharp's native library: {why} (see docs/gpu.md)";
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }

    /// <summary>Why the shim does not load, from the dynamic loader's own message (e.g. a dependency not found).</summary>
    private static string ShimLoadError()
    {
        string shim = OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null));
            return $"{shim} loads, but libtorch did not initialise";
        }
        catch (DllNotFoundException e)
        {
            // One line per path tried: "<path>: <reason>". The telling one is a shim that exists but cannot load
            // (a dependency not found, an undefined symbol); "no such file" lines are just other places probed.
            var lines = e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            string? reason = lines.FirstOrDefault(l => l.Contains(shim + ": ", StringComparison.Ordinal)
                && !l.EndsWith(shim + ": cannot open shared object file: No such file or directory", StringComparison.Ordinal));
            return reason ?? $"{shim} not found beside {Path.GetFileName(typeof(torch).Assembly.Location)}";
        }
    }

    private static string WhyNoCuda()
    {
        if (!NativeLibrary.TryLoad("torch_cuda", typeof(torch).Assembly, null, out _))
            return "this libtorch is CPU-only (libtorch_cuda does not load): build with -p:TorchBackend=cuda, " +
                "or run the GPU bundle against PyTorch's CUDA libtorch (docs/gpu.md)";
        if (!NativeLibrary.TryLoad(OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1", out _))
            return "no NVIDIA driver found (libcuda.so.1 does not load)";
        return "libtorch finds no usable GPU although the NVIDIA driver is there (nvidia-smi shows the GPUs and the CUDA version the driver supports)";
    }
}
