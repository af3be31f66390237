using System.Diagnostics;
using System.Text.Json;

namespace Seq2Seq.Tests.Evaluation;

/// <summary>Runs the built CLI (<c>Seq2Seq.Cli.dll</c>, next to this test project's configuration) on conformance files.</summary>
public class BleuCommandTests
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "Evaluation", "conformance", "cases");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string tfm = Path.GetFileName(baseDir);
        string config = Path.GetFileName(Path.GetDirectoryName(baseDir)!);
        string repo = Path.GetFullPath(Path.Combine(baseDir, "..", "..", "..", "..", ".."));
        string dll = Path.Combine(repo, "src", "Seq2Seq.Cli", "bin", config, tfm, "Seq2Seq.Cli.dll");
        Assert.True(File.Exists(dll), "CLI not built: " + dll);
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void JsonMatchesSacrebleu()
    {
        string dir = Path.Combine(Cases, "multi_ref_lengths");
        var (code, output, err) = Run("bleu", "--hyp", Path.Combine(dir, "hyp.txt"), "--ref", Path.Combine(dir, "ref.txt"),
            "--ref", Path.Combine(dir, "ref2.txt"), "--ref", Path.Combine(dir, "ref3.txt"), "--json", "--chrf-word-order", "2");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        // sacrebleu 2.6.0: BLEU = 41.5329671177217250 82.4/48.9/35.9/20.6 (BP = 1.000 ratio = 1.020 hyp_len = 51 ref_len = 50)
        Assert.Equal(41.5329671177217250, root.GetProperty("score").GetDouble(), 1e-9);
        Assert.Equal(51, root.GetProperty("sys_len").GetInt64());
        Assert.Equal(50, root.GetProperty("ref_len").GetInt64());
        Assert.Equal(4, root.GetProperty("precisions").GetArrayLength());
        Assert.Equal(4, root.GetProperty("counts").GetArrayLength());
        Assert.Equal(4, root.GetProperty("totals").GetArrayLength());
        Assert.True(root.TryGetProperty("bp", out _) && root.TryGetProperty("ratio", out _));
        Assert.StartsWith("nrefs:3|case:mixed|eff:no|tok:13a|smooth:exp|version:seq2seq-", root.GetProperty("signature").GetString());
        JsonElement chrf = root.GetProperty("chrf");
        Assert.Equal("chrF2++", chrf.GetProperty("name").GetString());
        Assert.Equal(62.4240814506306307, chrf.GetProperty("score").GetDouble(), 1e-9);
    }

    [Fact]
    public void PrintsSacrebleusBleuAndChrfSummaryLines()
    {
        string dir = Path.Combine(Cases, "perfect_match");
        var (code, output, err) = Run("bleu", "--hyp", Path.Combine(dir, "hyp.txt"), "--ref", Path.Combine(dir, "ref.txt"));
        Assert.True(code == 0, err);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 55 ref_len = 55)", lines[0]);
        Assert.Equal("chrF2 = 100.00", lines[1]);
    }

    [Fact]
    public void LineCountMismatchIsAUserError()
    {
        string hyp = Path.Combine(Cases, "perfect_match", "hyp.txt");
        string shortRef = Path.Combine(Path.GetTempPath(), $"bleu-short-{Guid.NewGuid():N}.txt");
        File.WriteAllText(shortRef, "one line\ntwo lines\n");
        try
        {
            var (code, output, err) = Run("bleu", "--hyp", hyp, "--ref", shortRef);
            int hypLines = File.ReadAllLines(hyp).Length;
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Contains($"has {hypLines} lines", err);
            Assert.Contains($"{shortRef} has 2", err);
            Assert.DoesNotContain("   at ", err);
        }
        finally
        {
            File.Delete(shortRef);
        }
    }

    [Fact]
    public void MissingFileIsAUserErrorAndMissingOptionAUsageError()
    {
        var (code, _, err) = Run("bleu", "--hyp", "/nonexistent/hyp.txt", "--ref", "/nonexistent/ref.txt");
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/hyp.txt", err);
        (code, _, _) = Run("bleu", "--hyp", "/nonexistent/hyp.txt");
        Assert.Equal(2, code);
    }
}
