using System.Diagnostics;
using System.Runtime.InteropServices;
using Seq2Seq.Tests.Training;
using TestCli = Seq2Seq.Tests.Robustness.Cli;

namespace Seq2Seq.Tests.Gpu;

/// <summary>
/// The GPU route of docs/gpu.md, checked without a GPU: <c>scripts/gpu/pack</c> makes a bundle, and
/// <c>scripts/gpu/run-on-gpu.sh --shipped-shim</c> runs the bundled CLI with the bundled .NET runtime and the CPU
/// libtorch of this test's output folder (the one the shipped shim was linked against): it trains a tiny model,
/// translates with it, and refuses <c>--device cuda</c> in one line. The TorchSharp source is packed only when
/// TORCHSHARP_SRC names a checkout (pack's <c>--torchsharp-src</c>): building the shim needs a PyTorch install,
/// which CI does not have, so the test packs with <c>--no-torchsharp-src</c> otherwise.
/// </summary>
public class PackTests
{
    private static readonly string NativeDir = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    [SkippableFact]
    public void PackedCliTrainsAndTranslatesWithTheBundledRuntime()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64, "the bundle is for Linux x64");
        string root = TestPaths.NewTempDir();
        try
        {
            PackTrainAndTranslate(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);   // the bundle and the unpacked runtime: about 120 MB
        }
    }

    private static void PackTrainAndTranslate(string root)
    {
        string bundle = Path.Combine(root, "bundle"), cache = Path.Combine(root, "cache");
        string? torchSharpSource = Environment.GetEnvironmentVariable("TORCHSHARP_SRC");

        var pack = Run(root, "bash", [Script("pack"), "--out", bundle, "--xz-level", "0", "--no-data", "--no-reference",
            .. torchSharpSource is null ? ["--no-torchsharp-src"] : new[] { "--torchsharp-src", torchSharpSource }], cache, 600);
        Assert.True(pack.Code == 0, $"pack failed ({pack.Code}):\n{pack.Err}");
        Assert.True(File.Exists(Path.Combine(bundle, "app", "Seq2Seq.Cli.dll")), pack.Err);
        Assert.Single(Directory.GetFiles(bundle, "dotnet-runtime-*.tar.xz"));
        Assert.Empty(Directory.GetFiles(Path.Combine(bundle, "app"), "libtorch*"));   // libtorch comes from the machine
        Assert.Contains("total", pack.Err);

        // Train a tiny model with the packed CLI, then translate with it.
        string data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        string config = TestCli.WriteConfig(root, TrainerTests.TinySetup(data, 20));
        string[] runOnGpu = [Script("run-on-gpu.sh"), "--bundle", bundle, "--shipped-shim", "--libtorch", NativeDir];
        var train = Run(root, "bash", [.. runOnGpu, "train", config], cache, 300);
        Assert.True(train.Code == 0, $"train failed ({train.Code}):\n{train.Err}");
        string model = Path.Combine(data, "model");
        Assert.True(File.Exists(Path.Combine(model, "best.ckpt")), train.Err);

        var translate = Run(root, "bash", [.. runOnGpu, "translate", "--model", model], cache, 120, stdin: "chat lune rouge\n");
        Assert.True(translate.Code == 0, $"translate failed ({translate.Code}):\n{translate.Err}");
        Assert.Equal(1, translate.Out.Count(c => c == '\n'));   // one line out for the line in (a model this small may say little)

        // --device cuda on this CPU libtorch: one line and exit code 1, for each command that runs a model.
        string testSrc = Path.Combine(data, "dev.fr"), testRef = Path.Combine(data, "dev.en");
        foreach (string[] args in new[]
        {
            new[] { "train", config, "--device", "cuda" },
            ["translate", "--model", model, "--device", "cuda"],
            ["test", "--model", model, "--src", testSrc, "--ref", testRef, "--device", "cuda"],
        })
        {
            string line = TestCli.AssertUserError(Run(root, "bash", [.. runOnGpu, .. args], cache, 120, stdin: "chat\n"));
            Assert.Contains("device cuda: ", line);
        }

        // Without libtorch on the library path the shim cannot load: still one line, and no trace on stdout.
        string dotnet = Path.Combine(Directory.GetDirectories(cache, "dotnet-*").Single(), "dotnet");
        var noTorch = Run(root, dotnet, [Path.Combine(bundle, "app", "Seq2Seq.Cli.dll"), "translate", "--model", model], cache, 120,
            stdin: "chat\n", bareNativePath: true);
        Assert.StartsWith("seq2seq: cannot load TorchSharp's native library: ", TestCli.AssertUserError(noTorch));
    }

    private static string Script(string name) => Path.Combine(TestPaths.RepoRoot, "scripts", "gpu", name);

    /// <summary>Runs a command with the dotnet running the tests first on PATH and a private run-on-gpu cache.</summary>
    private static (int Code, string Out, string Err) Run(string workDir, string file, string[] args, string cache, int seconds,
        string? stdin = null, bool bareNativePath = false)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workDir,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string host)
            psi.Environment["PATH"] = Path.GetDirectoryName(host) + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["SEQ2SEQ_GPU_CACHE"] = cache;
        if (bareNativePath)
        {
            psi.Environment.Remove("LD_LIBRARY_PATH");
            psi.Environment["NUGET_PACKAGES"] = Path.Combine(cache, "no-nuget-packages");   // no fallback copy of libtorch
        }
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(seconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish in {seconds} s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
