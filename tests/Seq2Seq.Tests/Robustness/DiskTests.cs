using System.Diagnostics;
using Seq2Seq.ModelStore;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// When a checkpoint cannot be written (full disk, unwritable folder) training stops with a one-line error and the
/// existing good checkpoints stay as they were.
/// </summary>
[Collection(TorchCollection.Name)]
public class DiskTests
{
    [Fact]
    public void UnwritableCheckpointIsAnErrorAndKeepsTheOldOnes()
    {
        var run = TinyRun.Create(20);
        var config = run.Config;
        run.Train();
        string best = Path.Combine(config.ModelDir, "best.ckpt"), last = Path.Combine(config.ModelDir, "last.ckpt");
        byte[] bestBytes = File.ReadAllBytes(best), lastBytes = File.ReadAllBytes(last);
        // Running as root ignores file permissions, so block the temporary names the checkpoints are written to.
        foreach (var file in new[] { best, last }) Directory.CreateDirectory($"{file}.tmp-{Environment.ProcessId}");
        try
        {
            var more = config with { Training = config.Training with { MaxSteps = 40 } };
            var e = Assert.Throws<UserErrorException>(() => run.Train(more, new TrainOptions(Resume: true)));

            Assert.Contains("cannot write checkpoint", e.Message);
            Assert.Contains("the previous checkpoint is unchanged", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            foreach (var file in new[] { best, last }) Directory.Delete($"{file}.tmp-{Environment.ProcessId}");
        }
        Assert.Equal(bestBytes, File.ReadAllBytes(best));
        Assert.Equal(lastBytes, File.ReadAllBytes(last));
        Assert.Equal(20, Checkpoint.ReadState(last).Step);
    }

    [SkippableFact]
    public void FullDiskIsAOneLineErrorAndKeepsTheOldCheckpoints()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to mount a tmpfs");
        var run = TinyRun.Create(20);
        string mount = Path.Combine(run.Root, "small-disk");
        Directory.CreateDirectory(mount);
        Skip.IfNot(Exec("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount) == 0, "cannot mount a tmpfs here");
        try
        {
            var config = run.Config with { ModelDir = Path.Combine(mount, "model") };
            var (code, _, err) = run.RunCli("train", run.WriteConfig(config));
            Assert.True(code == 0, err);
            string best = Path.Combine(config.ModelDir, "best.ckpt"), last = Path.Combine(config.ModelDir, "last.ckpt");
            byte[] bestBytes = File.ReadAllBytes(best), lastBytes = File.ReadAllBytes(last);

            // Fill the disk, then give back 32 KiB: room for the log lines, not for a checkpoint.
            string filler = Path.Combine(mount, "filler");
            using (var f = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
            {
                var block = new byte[4096];
                try
                {
                    while (true) f.Write(block);
                }
                catch (IOException)
                {
                }
                f.SetLength(Math.Max(0, f.Length - 32 * 1024));
            }

            string yaml = run.WriteConfig(config with { Training = config.Training with { MaxSteps = 40 } });
            string line = Cli.AssertUserError(run.RunCli("train", yaml, "--resume"), afterProgress: true);

            Assert.Contains("No space left on device", line);
            Assert.Equal(bestBytes, File.ReadAllBytes(best));
            Assert.Equal(lastBytes, File.ReadAllBytes(last));
            File.Delete(filler);
            var (checkCode, checkOut, checkErr) = run.RunCli("checkpoint", "check", config.ModelDir);
            Assert.True(checkCode == 0, checkErr);
            Assert.Contains("last.ckpt: ok (step 20,", checkOut);
            Assert.Empty(Directory.GetFiles(config.ModelDir, "*.tmp*"));
        }
        finally
        {
            Exec("umount", mount);
        }
    }

    private static int Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode;
    }
}
