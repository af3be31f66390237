using System.Diagnostics;
using Seq2Seq.Inference;
using Seq2Seq.Tests.Inference;

namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// Sharded translation end to end, through the scripts docs/cluster.md gives (scripts/cluster/translate-array.sh and
/// merge.sh) run as a scheduler would: three shards as separate processes with SLURM_ARRAY_TASK_ID / COUNT set,
/// then the merge; killed shards, reruns, and parts that do not belong.
/// </summary>
[Collection(TorchCollection.Name)]
public class ShardTests(TinyModelFixture tiny, BarelyTrainedModelFixture other)
    : IClassFixture<TinyModelFixture>, IClassFixture<BarelyTrainedModelFixture>
{
    private const int Shards = 3;

    private static string Script(string name) => Path.Combine(TestPaths.RepoRoot, "scripts", "cluster", name);

    private static ProcessStartInfo ScriptInfo(string dir, string script, IEnumerable<(string, string)> env, string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        psi.ArgumentList.Add(Script(script));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["SEQ2SEQ"] = $"{Cli.Host} {Cli.Dll}";
        foreach (string name in new[] { "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_CPUS_PER_TASK", "JOB_COMPLETION_INDEX" })
            psi.Environment.Remove(name);
        foreach (var (name, value) in env) psi.Environment[name] = value;
        return psi;
    }

    private static (int Code, string Out, string Err) Finish(Process p)
    {
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("a shard script did not finish in 120 s");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static (string, string)[] Slurm(int task) => [("SLURM_ARRAY_TASK_ID", $"{task}"), ("SLURM_ARRAY_TASK_COUNT", $"{Shards}")];

    /// <summary>Runs one array task of translate-array.sh.</summary>
    private static (int Code, string Out, string Err) Shard(string dir, int task, string model, string input, params string[] flags)
    {
        using var p = Process.Start(ScriptInfo(dir, "translate-array.sh", Slurm(task), [model, input, "part", .. flags]))!;
        return Finish(p);
    }

    /// <summary>Runs every array task at once, as separate processes, and checks that each succeeded.</summary>
    private static void AllShards(string dir, string model, string input, params string[] flags)
    {
        var running = Enumerable.Range(0, Shards)
            .Select(i => Process.Start(ScriptInfo(dir, "translate-array.sh", Slurm(i), [model, input, "part", .. flags]))!).ToList();
        foreach (var p in running)
        {
            var (code, _, err) = Finish(p);
            p.Dispose();
            Assert.True(code == 0, err);
        }
    }

    private static (int Code, string Out, string Err) Merge(string dir, string model, string input, string output = "merged", string prefix = "part")
    {
        using var p = Process.Start(ScriptInfo(dir, "merge.sh", [], [model, input, prefix, $"{Shards}", output]))!;
        return Finish(p);
    }

    /// <summary>A working folder with a few hundred input lines (empty lines and repeats among them) and the one-process translation of them.</summary>
    private (string Dir, byte[] Whole) Setup(params string[] flags)
    {
        string dir = TestPaths.NewTempDir();
        var lines = TinyModelFixture.Sentences(300, seed: 11);
        lines[7] = "";
        lines[100] = lines[3];
        File.WriteAllLines(Path.Combine(dir, "input.fr"), lines);
        var (code, _, err) = Cli.Run(dir, ["translate", "--model", tiny.ModelDir, "--input", "input.fr", "--output", "whole", .. flags]);
        Assert.True(code == 0, err);
        return (dir, File.ReadAllBytes(Path.Combine(dir, "whole")));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("5")]
    public void ThreeShardsMergeToTheTranslationOfTheWholeFile(string beam)
    {
        var (dir, whole) = Setup("--beam", beam);
        AllShards(dir, tiny.ModelDir, "input.fr", "--beam", beam);
        for (int i = 0; i < Shards; i++)
        {
            Assert.Equal(100, File.ReadAllLines(Path.Combine(dir, $"part.{i}-of-3")).Length);
            Assert.Contains("\"lines\": 100", File.ReadAllText(Path.Combine(dir, $"part.{i}-of-3.done")));
        }
        var (code, _, err) = Merge(dir, tiny.ModelDir, "input.fr");
        Assert.True(code == 0, err);
        Assert.Equal(whole, File.ReadAllBytes(Path.Combine(dir, "merged")));

        // A task run again after its shard finished leaves the part as it is and says so.
        string part = Path.Combine(dir, "part.1-of-3");
        var written = File.GetLastWriteTimeUtc(part);
        var rerun = Shard(dir, 1, tiny.ModelDir, "input.fr", "--beam", beam);
        Assert.True(rerun.Code == 0, rerun.Err);
        Assert.Equal($"seq2seq: part.1-of-3 is already complete for this input, model and settings (part.1-of-3.done); skipping\n", rerun.Err);
        Assert.Equal(written, File.GetLastWriteTimeUtc(part));

        // Other decoding settings are another translation: the shard runs again, and the merge refuses the mix.
        var beam2 = Shard(dir, 1, tiny.ModelDir, "input.fr", "--beam", beam == "1" ? "2" : "1");
        Assert.True(beam2.Code == 0, beam2.Err);
        Assert.DoesNotContain("skipping", beam2.Err);
        Assert.Contains("part.1-of-3: stale: decoded with other settings", Cli.AssertUserError(Merge(dir, tiny.ModelDir, "input.fr")));
    }

    [Fact]
    public void AKubernetesIndexedJobNamesTheShardByItsCompletionIndexAndMakesThePartsFolder()
    {
        var (dir, whole) = Setup();
        var running = Enumerable.Range(0, Shards).Select(i => Process.Start(ScriptInfo(dir, "translate-array.sh", [("JOB_COMPLETION_INDEX", $"{i}")],
            [tiny.ModelDir, "input.fr", "out/news", "--shards", $"{Shards}"]))!).ToList();
        foreach (var p in running)
        {
            var (code, _, err) = Finish(p);
            p.Dispose();
            Assert.True(code == 0, err);
        }
        // The parts' folder did not exist: the shards made it.
        Assert.Equal(["news.0-of-3", "news.0-of-3.done", "news.1-of-3", "news.1-of-3.done", "news.2-of-3", "news.2-of-3.done"],
            Directory.GetFiles(Path.Combine(dir, "out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var merged = Merge(dir, tiny.ModelDir, "input.fr", prefix: "out/news");
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal(whole, File.ReadAllBytes(Path.Combine(dir, "merged")));
    }

    [Fact]
    public void TheClusterPageShowsTheScriptsAsTheyAre()
    {
        string page = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "cluster.md"));
        foreach (string name in new[] { "translate-array.sh", "merge.sh", "translate-job.yaml", "merge-job.yaml" })
            Assert.Contains($"`scripts/cluster/{name}`:\n\n```{(name.EndsWith(".sh", StringComparison.Ordinal) ? "bash" : "yaml")}\n{File.ReadAllText(Script(name))}```", page);
    }

    [Fact]
    public void AShardKilledMidWayLeavesNothingMergeAcceptsAndFinishesWhenRunAgain()
    {
        var (dir, whole) = Setup();
        AllShards(dir, tiny.ModelDir, "input.fr");
        string part = Path.Combine(dir, "part.2-of-3"), record = part + ".done";

        // Killed while writing: only a temporary file with some of the lines.
        File.WriteAllLines(part + ".tmp-999999", File.ReadAllLines(part).Take(40));
        File.Delete(part);
        File.Delete(record);
        Assert.Contains("part.2-of-3: missing", Cli.AssertUserError(Merge(dir, tiny.ModelDir, "input.fr")));

        // Killed after the part was renamed into place but before its record was written.
        File.WriteAllText(part, "a part without its record\n");
        Assert.Contains("part.2-of-3: incomplete: no completion record part.2-of-3.done", Cli.AssertUserError(Merge(dir, tiny.ModelDir, "input.fr")));

        // Killed for real, as soon as it has started writing (or has finished, if it was quicker than the kill). The
        // script execs the command, so the process's id is the temporary file's.
        using (var p = Process.Start(ScriptInfo(dir, "translate-array.sh", Slurm(2), [tiny.ModelDir, "input.fr", "part", "--chunk-size", "1"]))!)
        {
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && !Directory.GetFiles(dir, $"part.2-of-3.tmp-{p.Id}").Any() && clock.ElapsedMilliseconds < 60_000) Thread.Sleep(5);
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        var afterKill = Merge(dir, tiny.ModelDir, "input.fr");
        if (File.Exists(record))
            Assert.True(afterKill.Code == 0 && File.ReadAllBytes(Path.Combine(dir, "merged")).SequenceEqual(whole), afterKill.Err);
        else
            Assert.Contains("part.2-of-3: ", Cli.AssertUserError(afterKill));

        // Run again, the shard finishes (and clears the temporary files of the killed runs); the merge matches.
        var (code, _, err) = Shard(dir, 2, tiny.ModelDir, "input.fr");
        Assert.True(code == 0, err);
        Assert.Empty(Directory.GetFiles(dir, "part.2-of-3.tmp-*"));
        var merged = Merge(dir, tiny.ModelDir, "input.fr");
        Assert.True(merged.Code == 0, merged.Err);
        Assert.Equal(whole, File.ReadAllBytes(Path.Combine(dir, "merged")));
    }

    [Fact]
    public void MergeRefusesAPartOfAnotherInputOrModelOrOneChangedSince()
    {
        var (dir, _) = Setup();
        AllShards(dir, tiny.ModelDir, "input.fr");

        // Another input: one line of shard 1 (line 4) differs.
        var lines = File.ReadAllLines(Path.Combine(dir, "input.fr"));
        lines[4] += " mer";
        File.WriteAllLines(Path.Combine(dir, "other.fr"), lines);
        Assert.Contains("part.1-of-3: stale: it translates another input than other.fr", Cli.AssertUserError(Merge(dir, tiny.ModelDir, "other.fr")));
        // More lines than the shards saw is another input too.
        File.WriteAllLines(Path.Combine(dir, "longer.fr"), [.. File.ReadAllLines(Path.Combine(dir, "input.fr")), "chat"]);
        Assert.Contains("part.0-of-3: stale: it translates another input", Cli.AssertUserError(Merge(dir, tiny.ModelDir, "longer.fr")));

        // A part changed after its shard finished.
        string part0 = Path.Combine(dir, "part.0-of-3");
        byte[] original = File.ReadAllBytes(part0);
        File.WriteAllBytes(part0, [.. original.Take(original.Length - 2), (byte)'x', (byte)'\n']);
        Assert.Contains("part.0-of-3: stale: the part is not the one its record part.0-of-3.done describes", Cli.AssertUserError(Merge(dir, tiny.ModelDir, "input.fr")));

        // Another model: shard 0 translated again with the barely trained model.
        var (code, _, err) = Shard(dir, 0, other.ModelDir, "input.fr");
        Assert.True(code == 0, err);
        Assert.Contains("part.0-of-3: stale: it was translated with another model than the one given with --model",
            Cli.AssertUserError(Merge(dir, tiny.ModelDir, "input.fr")));
        Assert.False(File.Exists(Path.Combine(dir, "merged")));
        // Without --model, the parts still have to agree with each other.
        var noModel = Cli.Run(dir, "merge", "--input", "input.fr", "--shards", "3", "--parts", "part", "--output", "merged");
        Assert.Contains("part.1-of-3: stale: it was translated with another model than part.0-of-3", Cli.AssertUserError(noModel));
    }

    [Fact]
    public void TheModelFingerprintFollowsTheModelsFilesNotItsFolder()
    {
        string copy = TestPaths.NewTempDir();
        foreach (string file in Directory.GetFiles(tiny.ModelDir)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        string fingerprint = ShardRecord.ModelFingerprint(tiny.ModelDir);
        Assert.Equal(fingerprint, ShardRecord.ModelFingerprint(copy));
        Assert.NotEqual(fingerprint, ShardRecord.ModelFingerprint(other.ModelDir));
        File.AppendAllText(Path.Combine(copy, "config.yaml"), "\n");
        Assert.NotEqual(fingerprint, ShardRecord.ModelFingerprint(copy));
    }

    [Fact]
    public void ShardFlagsAreCheckedBeforeAnythingRuns()
    {
        string dir = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(dir, "input.fr"), "chat\n");
        Assert.Contains("--shard needs --output PREFIX", Cli.AssertUserError(Cli.Run(dir, "translate", "--model", tiny.ModelDir, "--input", "input.fr", "--shard", "0/2")));
        Assert.Contains("--shard needs --input FILE", Cli.AssertUserError(Cli.Run(dir, "translate", "--model", tiny.ModelDir, "--output", "p", "--shard", "0/2")));
        Assert.Contains("--shard: the shard must be between 0 and 1", Cli.AssertUserError(
            Cli.Run(dir, "translate", "--model", tiny.ModelDir, "--input", "input.fr", "--output", "p", "--shard", "2/2")));
        Assert.Contains("--shard: --nbest above 1 is not sharded", Cli.AssertUserError(
            Cli.Run(dir, "translate", "--model", tiny.ModelDir, "--input", "input.fr", "--output", "p", "--shard", "0/2", "--nbest", "2")));
        Assert.Contains("part.0-of-2: missing", Cli.AssertUserError(
            Cli.Run(dir, "merge", "--input", "input.fr", "--shards", "2", "--parts", "part", "--output", "merged")));
        Assert.Empty(Directory.GetFiles(dir, "p*"));
    }
}
