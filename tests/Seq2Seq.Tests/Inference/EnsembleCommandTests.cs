using System.Text;

namespace Seq2Seq.Tests.Inference;

/// <summary>Runs the built CLI's <c>translate</c>, <c>test</c> and <c>chat</c> with several <c>--model</c>.</summary>
[Collection(TorchCollection.Name)]
public class EnsembleCommandTests(EnsembleFixture fixture) : IClassFixture<EnsembleFixture>
{
    private static (int Code, string Out, string Err) Run(string stdin, params string[] args) =>
        TranslateCommandTests.Run(Encoding.UTF8.GetBytes(stdin), args);

    [Fact]
    public void TranslateWritesAnEnsemblesNBestListsAndAlignments()
    {
        string dir = TestPaths.NewTempDir(), aligned = Path.Combine(dir, "align");
        var (code, output, err) = Run("chat rouge\nmer vent petit\n", "translate", "--model", fixture.First, "--model", fixture.Second,
            "--weights", "2", "1", "--beam", "4", "--nbest", "3", "--min-length", "2", "--alignments", aligned);
        Assert.True(code == 0, err);
        var rows = output.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["0", "0", "0", "1", "1", "1"], rows.Select(r => r[0]));   // 3 hypotheses per sentence
        Assert.All(rows, r => Assert.True(r[4].Split(' ').Length >= 2, string.Join('\t', r)));
        Assert.Equal(2, File.ReadAllLines(aligned).Length);
        Assert.All(File.ReadAllLines(aligned), line => Assert.Matches(@"^\d+-\d+( \d+-\d+)*$", line));
    }

    [Fact]
    public void TestScoresAnEnsembleBesideTheFirstModelsOwnHypotheses()
    {
        string dir = TestPaths.NewTempDir(), src = Path.Combine(dir, "set.fr"), reference = Path.Combine(dir, "set.en");
        File.WriteAllLines(src, ["chat rouge", "mer vent"]);
        File.WriteAllLines(reference, ["red cat", "wind sea"]);
        var (code, output, err) = Run("", "test", "--model", fixture.First, "--model", fixture.Second, "--src", src, "--ref", reference);
        Assert.True(code == 0, err);
        Assert.Contains("BLEU", output);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(fixture.First, "set.1.ensemble.hyp.en")).Length);
        Assert.False(File.Exists(Path.Combine(fixture.First, "set.1.hyp.en")));
    }

    [Fact]
    public void TestWithoutSourcesTakesTheFirstModelsTestSetsOrSaysItHasNone()
    {
        var (code, output, err) = Run("", "test", "--model", fixture.First, "--model", fixture.Second);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"seq2seq: {Path.Combine(fixture.First, "config.yaml")}: data.test is not set; give --src FILE --ref FILE", err.TrimEnd('\n'));
        string absent = Path.Combine(fixture.First, "absent");
        var (missing, _, missingErr) = Run("chat\n", "translate", "--model", fixture.First, "--model", absent);
        Assert.Equal(1, missing);
        Assert.Equal($"seq2seq: {absent}: no such model directory", missingErr.TrimEnd('\n'));
    }

    [Fact]
    public void ModelsWithDifferentTargetVocabulariesAreRefusedNamingBothDirectories()
    {
        string other = Path.Combine(TestPaths.NewTempDir(), "other");
        Directory.CreateDirectory(other);
        foreach (string file in Directory.GetFiles(fixture.First)) File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        File.Copy(Path.Combine(other, "src.vocab.json"), Path.Combine(other, "trg.vocab.json"), overwrite: true);
        var (code, output, err) = Run("chat\n", "translate", "--model", fixture.First, "--model", other);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        var line = Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Contains(fixture.First, line);
        Assert.Contains(other, line);
        Assert.Contains("trg.vocab.json", line);
    }

    [Theory]
    [InlineData("translate", "1", "--weights: 1 weight for 2 --model; give one per model")]
    [InlineData("translate", "1 2 3", "--weights: 3 weights for 2 --model; give one per model")]
    [InlineData("chat", "1 0", "--weights: every weight must be a finite positive number (got 0)")]
    [InlineData("translate", "1 -2", "--weights: every weight must be a finite positive number (got -2)")]
    public void AWrongWeightsIsRefusedInOneLine(string command, string weights, string message)
    {
        var (code, output, err) = Run("chat\n", [command, "--model", fixture.First, "--model", fixture.Second, "--weights", .. weights.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"seq2seq: {message}", err.TrimEnd('\n'));
    }

    [Fact]
    public void ChatRepliesWithAnEnsemble()
    {
        var (code, output, err) = Run("chat rouge\nmer\n", "chat", "--model", fixture.First, "--model", fixture.Second);
        Assert.True(code == 0, err);
        Assert.Equal(2, output.Count(c => c == '\n'));
    }
}
