using System.Diagnostics;
using System.Text.RegularExpressions;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// SIGINT/SIGTERM stop training cleanly (last.ckpt written, exit 130/143) and SIGKILL at random moments never leaves
/// a checkpoint that does not load (scripts/kill-test.sh); --resume goes on after both.
/// </summary>
[Collection(TorchCollection.Name)]
public partial class InterruptTests
{
    /// <summary>
    /// Whether this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status), as commands started in the background
    /// by a shell without job control do; its children inherit that, so Ctrl+C cannot reach them, rightly.
    /// </summary>
    private static bool SigIntIgnored()
    {
        if (!File.Exists("/proc/self/status")) return false;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0b10) != 0;
    }

    [SkippableTheory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public void SignalStopsAfterWritingLastCheckpointAndResumeContinues(string signal, int expectedCode)
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals");
        Skip.If(signal == "INT" && SigIntIgnored(), "SIGINT is ignored in this process (started in the background?), and so in the trainer it starts");
        var run = TinyRun.Create(100_000);
        var config = run.Config;
        string yaml = run.WriteConfig();

        var stderr = new List<string>();
        var firstProgress = new TaskCompletionSource();
        using (var p = new Process { StartInfo = Cli.StartInfo(run.Root, "train", yaml) })
        {
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (stderr) stderr.Add(e.Data);
                if (e.Data.StartsWith("epoch ", StringComparison.Ordinal)) firstProgress.TrySetResult();
            };
            p.Start();
            p.StandardInput.Close();
            p.BeginErrorReadLine();
            _ = p.StandardOutput.ReadToEndAsync();
            bool started = firstProgress.Task.Wait(TimeSpan.FromSeconds(60));
            if (!started) p.Kill();
            Assert.True(started, "no progress line in 60 s:\n" + string.Join("\n", stderr));

            using (var kill = Process.Start("kill", ["-" + signal, p.Id.ToString()])) kill.WaitForExit();

            if (!p.WaitForExit(60_000))
            {
                p.Kill();
                lock (stderr) Assert.Fail($"training did not stop within 60 s of SIG{signal}; its stderr:\n" + string.Join("\n", stderr));
            }
            p.WaitForExit();
            string err;
            lock (stderr) err = string.Join("\n", stderr);
            Assert.True(p.ExitCode == expectedCode, $"exit code {p.ExitCode}:\n{err}");
            Assert.Contains("stopping after this batch", err);
            Assert.Contains("stopped: interrupted", err);
            Assert.DoesNotContain("   at ", err);
        }

        var (code, output, checkErr) = run.RunCli("checkpoint", "check", config.ModelDir);
        Assert.True(code == 0, checkErr);
        int step = int.Parse(LastStep().Match(output).Groups[1].Value);
        Assert.True(step >= 5, output);

        // --resume continues from that step to a few steps further, and exits cleanly.
        yaml = run.WriteConfig(config with { Training = config.Training with { MaxSteps = step + 3 } });
        var (resumeCode, _, resumeErr) = run.RunCli("train", yaml, "--resume");
        Assert.True(resumeCode == 0, resumeErr);
        Assert.Contains($"resumed from {config.ModelDir}/last.ckpt at step {step}", resumeErr);
        Assert.Equal(step + 3, Checkpoint.ReadState(Path.Combine(config.ModelDir, "last.ckpt")).Step);
    }

    [SkippableFact]
    public void KillTestScriptSurvivesFiveKills()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "bash script");
        string script = Path.Combine(TestPaths.RepoRoot, "scripts", "kill-test.sh");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("5");
        psi.ArgumentList.Add(TestPaths.NewTempDir());
        psi.Environment["SEQ2SEQ"] = $"{Cli.Host} {Cli.Dll}";
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(180_000), "kill-test.sh did not finish in 180 s");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stdout.Result + stderr.Result);
        Assert.Contains("kill-test: 5 kills survived", stdout.Result);
    }

    [GeneratedRegex(@"last\.ckpt: ok \(step (\d+),")]
    private static partial Regex LastStep();
}
