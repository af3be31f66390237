using System.Diagnostics;
using Seq2Seq.Config;

namespace Seq2Seq.Tests.Robustness;

/// <summary>Runs the built CLI (<c>Seq2Seq.Cli.dll</c> of this test project's configuration) as a separate process.</summary>
internal static class Cli
{
    public static string Dll { get; } = FindDll();

    /// <summary>The dotnet host running the tests (the CLI is a framework-dependent dll).</summary>
    public static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    public static ProcessStartInfo StartInfo(string workDir, params string[] args)
    {
        Assert.True(File.Exists(Dll), "CLI not built: " + Dll);
        var psi = new ProcessStartInfo(Host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workDir,
        };
        psi.ArgumentList.Add(Dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public static (int Code, string Out, string Err) Run(string workDir, params string[] args)
    {
        using var p = Process.Start(StartInfo(workDir, args))!;
        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"seq2seq {string.Join(' ', args)} did not finish in 120 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Writes <paramref name="config"/> as YAML into <paramref name="dir"/> and returns the file's path.</summary>
    public static string WriteConfig(string dir, Seq2SeqConfig config, string name = "config.yaml")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, ConfigLoader.ToYaml(config));
        return path;
    }

    /// <summary>
    /// Asserts a user error: exit code 1, no stack trace, nothing on stdout, and one error line on stderr: the only
    /// line, or with <paramref name="afterProgress"/> the last one after training's progress lines.
    /// </summary>
    public static string AssertUserError((int Code, string Out, string Err) result, bool afterProgress = false)
    {
        var (code, output, err) = result;
        Assert.True(code == 1, $"exit code {code}, stderr: {err}");
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(afterProgress ? lines.Count(l => l.StartsWith("seq2seq: ", StringComparison.Ordinal)) == 1 : lines.Length == 1,
            "expected one error line, got:\n" + err);
        Assert.StartsWith("seq2seq: ", lines[^1]);
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Exception", err);
        Assert.Equal("", output);
        return lines[^1];
    }

    private static string FindDll()
    {
        string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string tfm = Path.GetFileName(baseDir);
        string config = Path.GetFileName(Path.GetDirectoryName(baseDir)!);
        return Path.Combine(TestPaths.RepoRoot, "src", "Seq2Seq.Cli", "bin", config, tfm, "Seq2Seq.Cli.dll");
    }
}
