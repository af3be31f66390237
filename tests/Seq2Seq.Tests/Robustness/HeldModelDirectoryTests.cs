using System.Diagnostics;
using Seq2Seq.ModelStore;
using Seq2Seq.Tests.Training;

namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// A running <c>train</c> holds its model directory: a second <c>train</c> on it, with or without <c>--resume</c>, is
/// refused with the directory and the holder's process id while the first finishes intact; a holder killed with
/// SIGKILL blocks nothing.
/// </summary>
[Collection(TorchCollection.Name)]
public class HeldModelDirectoryTests
{
    [SkippableFact]
    public void ASecondTrainIsRefusedWhileTheFirstFinishesIntact()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals");
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 100_000);
        string yaml = Cli.WriteConfig(root, config);
        var dir = new ModelDirectory(config.ModelDir);

        using var first = StartTrain(root, yaml, out var firstErr);
        WaitFor(() => File.Exists(dir.LastCheckpoint), first, firstErr, "a last.ckpt");
        Assert.True(File.Exists(dir.LockFile));

        foreach (var flags in new[] { Array.Empty<string>(), ["--resume"], ["--overwrite"] })
        {
            string line = Cli.AssertUserError(Cli.Run(root, ["train", yaml, .. flags]));
            Assert.Equal($"seq2seq: {config.ModelDir}: in use by a training run (process {first.Id}); wait for it to finish or stop it", line);
        }

        using (var stop = Process.Start("kill", ["-TERM", first.Id.ToString()])) stop.WaitForExit();
        Assert.True(first.WaitForExit(60_000), "the first run did not stop within 60 s of SIGTERM");
        first.WaitForExit();
        Assert.True(first.ExitCode == 143, Text(firstErr));
        Assert.False(File.Exists(dir.LockFile));                                  // let go on the way out

        // Intact: every checkpoint loads, one run's log, one header and one row per validation in metrics.tsv.
        var (code, output, checkErr) = Cli.Run(root, "checkpoint", "check", config.ModelDir);
        Assert.True(code == 0, checkErr);
        Assert.Contains("best.ckpt: ok", output);
        Assert.Contains("last.ckpt: ok", output);
        string[] log = File.ReadAllLines(dir.TrainLog);
        Assert.Single(log, l => l.Contains(" model: "));
        Assert.Single(log, l => l.Contains(" stopped: interrupted"));
        string[] metrics = File.ReadAllLines(dir.MetricsFile);
        Assert.Single(metrics, l => l.StartsWith("step\t"));
        Assert.Equal(log.Count(l => l.Contains(" validation at step ")), metrics.Length - 1);
        Assert.Equal(Enumerable.Range(1, metrics.Length - 1).Select(i => i * config.Training.ValidationFreq),
            metrics.Skip(1).Select(l => int.Parse(l.Split('\t')[0])));
    }

    [SkippableFact]
    public void AKilledHoldersLockDoesNotBlockResume()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals");
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 100_000);
        string yaml = Cli.WriteConfig(root, config);
        var dir = new ModelDirectory(config.ModelDir);

        using (var first = StartTrain(root, yaml, out var firstErr))
        {
            WaitFor(() => File.Exists(dir.LastCheckpoint), first, firstErr, "a last.ckpt");
            first.Kill();                                                         // SIGKILL: no clean-up runs
            first.WaitForExit();
        }
        Assert.True(File.Exists(dir.LockFile));                                   // left behind, with a dead process id

        int step = Checkpoint.ReadState(dir.LastCheckpoint).Step;
        yaml = Cli.WriteConfig(root, config with { Training = config.Training with { MaxSteps = step + 3 } });
        var (code, _, err) = Cli.Run(root, "train", yaml, "--resume");

        Assert.True(code == 0, err);
        Assert.Contains($"resumed from {dir.LastCheckpoint} at step {step}", err);
        Assert.Equal(step + 3, Checkpoint.ReadState(dir.LastCheckpoint).Step);
        Assert.False(File.Exists(dir.LockFile));
    }

    [Fact]
    public void LmTrainOnADirectoryThatAnotherProcessHoldsIsRefusedWithItsProcessId()
    {
        string root = TestPaths.NewTempDir();
        string yaml = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "configs", "hello_lm.yaml"))
            .Replace("model_dir: \"models/hello_lm\"", "model_dir: \"hello_lm\"", StringComparison.Ordinal)
            .Replace("data: \"data/hello.txt\"", $"data: \"{Path.Combine(TestPaths.RepoRoot, "data", "hello.txt")}\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(root, "hello_lm.yaml"), yaml);
        var dir = new ModelDirectory(Path.Combine(root, "hello_lm"));

        using (dir.Hold())
        {
            string line = Cli.AssertUserError(Cli.Run(root, "lm", "train", "hello_lm.yaml", "--overwrite"));
            Assert.Equal($"seq2seq: hello_lm: in use by a training run (process {Environment.ProcessId}); wait for it to finish or stop it", line);
            Assert.Equal([dir.LockFile], Directory.GetFiles(dir.Path));
        }

        var (code, _, err) = Cli.Run(root, "lm", "train", "hello_lm.yaml");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(dir.LanguageModelWeights));
        Assert.False(File.Exists(dir.LockFile));
    }

    private static Process StartTrain(string root, string yaml, out List<string> stderr)
    {
        var lines = new List<string>();
        var p = new Process { StartInfo = Cli.StartInfo(root, "train", yaml) };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (lines) lines.Add(e.Data);
        };
        p.Start();
        p.StandardInput.Close();
        p.BeginErrorReadLine();
        _ = p.StandardOutput.ReadToEndAsync();
        stderr = lines;
        return p;
    }

    private static void WaitFor(Func<bool> condition, Process p, List<string> stderr, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (p.HasExited || clock.Elapsed > TimeSpan.FromSeconds(120))
            {
                if (!p.HasExited) p.Kill();
                Assert.Fail($"no {what} after {clock.Elapsed.TotalSeconds:F0} s (exited: {p.HasExited}):\n{Text(stderr)}");
            }
            Thread.Sleep(50);
        }
    }

    private static string Text(List<string> lines)
    {
        lock (lines) return string.Join("\n", lines);
    }
}
