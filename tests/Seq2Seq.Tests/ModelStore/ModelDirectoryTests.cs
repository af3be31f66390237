using Seq2Seq.ModelStore;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.ModelStore;

/// <summary>The model directory's lock, its retention rule for best checkpoints and its clean-up.</summary>
[Collection(TorchCollection.Name)]
public class ModelDirectoryTests
{
    [Fact]
    public void ASecondHoldIsRefusedWithTheDirectoryAndTheHoldersProcessIdUntilTheFirstLetsGo()
    {
        var dir = new ModelDirectory(Path.Combine(TestPaths.NewTempDir(), "model"));
        using (var first = dir.Hold())
        {
            Assert.True(Directory.Exists(dir.Path));                              // created by the hold
            Assert.True(File.Exists(dir.LockFile));
            Assert.False(dir.HasContent);                                         // the lock alone is no content

            var refused = Assert.Throws<UserErrorException>(() => dir.Hold());

            Assert.StartsWith($"{dir.Path}: in use by a training run (process {Environment.ProcessId})", refused.Message);
            Assert.DoesNotContain("\n", refused.Message);
        }
        Assert.False(File.Exists(dir.LockFile));                                  // removed when let go
        using var again = dir.Hold();
        Assert.True(File.Exists(dir.LockFile));
    }

    [Fact]
    public void ALockFileThatNoOneHoldsBlocksNothing()
    {
        var dir = new ModelDirectory(TestPaths.NewTempDir());
        File.WriteAllText(dir.LockFile, "999999\n");                              // what a killed run leaves behind

        using var held = dir.Hold();

        // The file now names this process: a second hold is refused with its id, not the dead one's.
        Assert.Contains($"(process {Environment.ProcessId})", Assert.Throws<UserErrorException>(() => dir.Hold()).Message);
    }

    [Fact]
    public void RemoveOlderBestsKeepsTheNewestKeepMinusOneEarlierBests()
    {
        var dir = new ModelDirectory(TestPaths.NewTempDir());
        foreach (int step in new[] { 20, 100, 40, 60 }) File.WriteAllText(dir.BestCheckpointAt(step), "");
        foreach (var name in new[] { ModelDirectory.BestCheckpointName, ModelDirectory.LastCheckpointName, "best.x.ckpt" })
            File.WriteAllText(dir.Checkpoint(name), "");

        dir.RemoveOlderBests(keep: 3);

        Assert.Equal(["best.100.ckpt", "best.60.ckpt", "best.ckpt", "best.x.ckpt", "last.ckpt"], dir.CheckpointFiles().Select(Path.GetFileName));
    }

    [Fact]
    public void RemoveRunFilesLeavesTheConfigAndUnrelatedFiles()
    {
        var dir = new ModelDirectory(TestPaths.NewTempDir());
        var written = new[] { dir.ConfigFile, dir.BestCheckpoint, dir.LastCheckpoint, dir.BestCheckpointAt(5), dir.TrainLog, dir.MetricsFile,
            dir.CharVocabularyFile, dir.LanguageModelWeights, Path.Combine(dir.Path, "notes.txt") }.Concat(dir.TokenizerFiles).ToList();
        foreach (var file in written) File.WriteAllText(file, "x");
        File.WriteAllText(AtomicFile.TemporaryPath(dir.LastCheckpoint), "half");
        Directory.CreateDirectory(dir.TensorBoardFolder);
        File.WriteAllText(Path.Combine(dir.TensorBoardFolder, "events.out.tfevents.1.host.1"), "x");
        File.WriteAllText(dir.CurvesFile, "<svg/>");

        dir.RemoveTemporaryFiles();
        dir.RemoveRunFiles();

        Assert.Equal(["config.yaml", "notes.txt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(dir.TensorBoardFolder));
    }

    [Fact]
    public void TrainingOnAHeldDirectoryIsRefusedAndTouchesNothingThere()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 20);
        new Trainer(config, new TrainOptions()).Run();
        var dir = new ModelDirectory(config.ModelDir);
        using var held = dir.Hold();
        string before = Snapshot(dir.Path);

        foreach (var options in new[] { new TrainOptions(), new TrainOptions(Resume: true), new TrainOptions(Overwrite: true) })
        {
            var refused = Assert.Throws<UserErrorException>(() => new Trainer(config, options).Run());
            Assert.StartsWith($"{dir.Path}: in use by a training run (process {Environment.ProcessId})", refused.Message);
            Assert.Equal(before, Snapshot(dir.Path));
        }
    }

    /// <summary>Every entry with its size and write time, the lock file included.</summary>
    private static string Snapshot(string dir) => string.Join("\n", Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal).Select(f => $"{f} {(Directory.Exists(f) ? "folder" : new FileInfo(f).Length)} {File.GetLastWriteTimeUtc(f):O}"));

}
