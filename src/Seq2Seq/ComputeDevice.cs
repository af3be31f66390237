using static TorchSharp.torch;

namespace Seq2Seq;

/// <summary>Turns <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> into a torch device, with a clear error when CUDA is missing.</summary>
public static class ComputeDevice
{
    /// <summary>Resolves the name; <c>auto</c> picks CUDA when libtorch can use it.</summary>
    public static Device Resolve(string name)
    {
        string n = name.Trim().ToLowerInvariant();
        if (n == "cpu") return CPU;
        if (n == "auto") return cuda.is_available() ? CUDA : CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
            {
                throw new UserErrorException(
                    "--device cuda: libtorch sees no usable GPU (this build uses the CPU-only TorchSharp package, " +
                    "or no NVIDIA driver/GPU is present); build with -p:TorchBackend=cuda on a machine with a GPU");
            }
            return new Device(n);
        }
        throw new UserErrorException($"unknown device '{name}' (expected cpu, cuda, cuda:N or auto)");
    }
}
