namespace Seq2Seq.Config;

/// <summary>
/// The device a config asks for (<c>device</c>); the command line's <c>--device</c> overrides it and may also name
/// one GPU (<c>cuda:N</c>, see <see cref="ComputeDevice.Resolve(string)"/>).
/// </summary>
public enum DeviceChoice
{
    /// <summary>The CPU (<c>cpu</c>).</summary>
    Cpu,

    /// <summary>The first CUDA GPU (<c>cuda</c>); an error when there is none.</summary>
    Cuda,

    /// <summary>CUDA when libtorch can use it, else the CPU (<c>auto</c>).</summary>
    Auto,
}
