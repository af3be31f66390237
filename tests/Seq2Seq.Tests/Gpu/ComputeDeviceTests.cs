using TorchSharp;

namespace Seq2Seq.Tests.Gpu;

/// <summary>Device names, and why CUDA is refused on a machine or build without a usable GPU.</summary>
[Collection(TorchCollection.Name)]
public class ComputeDeviceTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuResolvesToTheCpu(string name) => Assert.Equal(DeviceType.CPU, ComputeDevice.Resolve(name).type);

    [Fact]
    public void AutoPicksCudaOnlyWhenAvailable() =>
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, ComputeDevice.Resolve("auto").type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void UnknownNamesAreUserErrors(string name)
    {
        var e = Assert.Throws<UserErrorException>(() => ComputeDevice.Resolve(name));
        Assert.Equal($"unknown device '{name}' (expected cpu, cuda, cuda:N or auto)", e.Message);
    }

    [SkippableTheory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void CudaWithoutAUsableGpuSaysWhyInOneLine(string name)
    {
        Skip.If(torch.cuda.is_available(), "this machine has a usable GPU");
        var e = Assert.Throws<UserErrorException>(() => ComputeDevice.Resolve(name));
        Assert.StartsWith($"device {name}: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        // The test build references TorchSharp-cpu: the reason is the CPU-only libtorch, whatever the machine has.
        Assert.Contains("CPU-only", e.Message);
    }

    [SkippableFact]
    public void ACudaIndexBeyondTheGpusIsAUserError()
    {
        Skip.IfNot(torch.cuda.is_available(), "no usable GPU");
        int count = torch.cuda.device_count();
        var e = Assert.Throws<UserErrorException>(() => ComputeDevice.Resolve($"cuda:{count}"));
        Assert.StartsWith($"device cuda:{count}: there ", e.Message);
    }
}
