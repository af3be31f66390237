using Seq2Seq.Config;
using Seq2Seq.Tests.Inference;

namespace Seq2Seq.Tests.Observability;

/// <summary>
/// <c>seq2seq test</c> scores several test sets in one table with the signatures once; <c>translate</c> and
/// <c>test</c> print no progress when stderr is redirected; <c>data.test</c> takes one prefix or a list.
/// </summary>
[Collection(TorchCollection.Name)]
public class TestSetsCommandTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static (string Src, string Ref) Set(string dir, string name, string[] fr, string[] en)
    {
        string src = Path.Combine(dir, name + ".fr"), reference = Path.Combine(dir, name + ".en");
        File.WriteAllLines(src, fr);
        File.WriteAllLines(reference, en);
        return (src, reference);
    }

    [Fact]
    public void SeveralTestSetsGiveOneTableAndTheSignaturesOnce()
    {
        string dir = TestPaths.NewTempDir();
        var a = Set(dir, "held", ["chat rouge", "lune", "grand arbre vert"], ["red cat", "moon", "green tree big"]);
        var b = Set(dir, "longer_name", ["mer", "vent soleil"], ["sea", "sun wind"]);
        var (code, output, err) = Robustness.Cli.Run(dir, "test", "--model", fixture.ModelDir, "--src", a.Src, "--ref", a.Ref,
            "--src", b.Src, "--ref", b.Ref, "--beam", "2");
        Assert.True(code == 0, err);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(6, lines.Length);
        Assert.Matches(@"^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:[^ ]+$", lines[0]);   // once, without a score
        Assert.Matches(@"^chrF2\|nrefs:1\|[^ ]+$", lines[1]);
        Assert.Equal("", lines[2]);
        Assert.Equal("set          sentences   BLEU   chrF2  length ratio", lines[3]);
        Assert.Matches(@"^held                 3  [ \d]\d\.\d\d  [ \d]{2}\d\.\d\d         \d\.\d{3}$", lines[4]);
        Assert.Matches(@"^longer_name          2  [ \d]\d\.\d\d  [ \d]{2}\d\.\d\d         \d\.\d{3}$", lines[5]);
        // stderr is redirected here: the two written-file lines and nothing else (no progress line).
        Assert.Equal($"seq2seq: 3 hypotheses (beam 2) written to {Path.Combine(fixture.ModelDir, "held.2.hyp.en")}\n" +
            $"seq2seq: 2 hypotheses (beam 2) written to {Path.Combine(fixture.ModelDir, "longer_name.2.hyp.en")}\n", err);

        // Each row is the score of that set alone.
        var (_, alone, _) = Robustness.Cli.Run(dir, "test", "--model", fixture.ModelDir, "--src", b.Src, "--ref", b.Ref, "--beam", "2");
        var aloneLines = alone.TrimEnd('\n').Split('\n');
        Assert.StartsWith("BLEU|nrefs:1|", aloneLines[0]);
        Assert.Contains(" = ", aloneLines[0]);                                      // one set: sacrebleu's line with the score
        Assert.Equal(lines[5]["longer_name".Length..].Trim(), aloneLines[^1]["longer_name".Length..].Trim());
    }

    [Fact]
    public void MismatchedOrAmbiguousTestSetsAreUserErrors()
    {
        string dir = TestPaths.NewTempDir();
        var a = Set(dir, "a", ["lune"], ["moon"]);
        var b = Set(dir, "b", ["mer"], ["sea"]);
        Assert.Equal("seq2seq: 2 --src but 1 --ref: give one --ref for each --src", Robustness.Cli.AssertUserError(
            Robustness.Cli.Run(dir, "test", "--model", fixture.ModelDir, "--src", a.Src, "--src", b.Src, "--ref", a.Ref)));
        Assert.Contains("--output names one file, but there are 2 test sets", Robustness.Cli.AssertUserError(
            Robustness.Cli.Run(dir, "test", "--model", fixture.ModelDir, "--src", a.Src, "--ref", a.Ref, "--src", b.Src, "--ref", b.Ref, "--output", "h.txt")));
    }

    [Fact]
    public void TranslateOfAFilePrintsNothingExtraWhenStderrIsRedirected()
    {
        string dir = TestPaths.NewTempDir();
        string input = Path.Combine(dir, "in.fr"), hyp = Path.Combine(dir, "out.en");
        File.WriteAllLines(input, TinyModelFixture.Sentences(300, seed: 5));
        var (code, output, err) = Robustness.Cli.Run(dir, "translate", "--model", fixture.ModelDir, "--input", input, "--output", hyp, "--chunk-size", "50");
        Assert.True(code == 0, err);
        Assert.Equal(("", ""), (output, err));
        Assert.Equal(300, File.ReadAllLines(hyp).Length);
    }

    [Fact]
    public void DataTestIsOnePrefixOrAList()
    {
        const string Head = "name: x\nmodel_dir: m\ndata:\n  train: t\n  dev: d\n  src: fr\n  trg: en\n";
        var one = ConfigLoader.Parse(Head + "  test: data/test\n", "x.yaml");
        Assert.Equal(["data/test"], one.Data.Test!);
        var two = ConfigLoader.Parse(Head + "  test: [data/test_2016, data/test_2017]\n", "x.yaml");
        Assert.Equal(["data/test_2016", "data/test_2017"], two.Data.Test!);
        Assert.Contains("  test: [data/test_2016, data/test_2017]\n", ConfigLoader.ToYaml(two));
        Assert.Equal(two.Data, ConfigLoader.Parse(ConfigLoader.ToYaml(two), "config.yaml").Data);
        Assert.Equal(one.Data, ConfigLoader.Parse(ConfigLoader.ToYaml(one), "config.yaml").Data);
        Assert.NotEqual(one.Data, two.Data);
        Assert.Equal("x.yaml:8: data.test: expected at least one corpus prefix, got an empty list",
            Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(Head + "  test: []\n", "x.yaml")).Message);

        string dir = TestPaths.NewTempDir();
        foreach (var f in new[] { "t.fr", "t.en", "d.fr", "d.en", "a.fr", "a.en", "b.fr" }) File.WriteAllText(Path.Combine(dir, f), "x\n");
        string yaml = Path.Combine(dir, "x.yaml");
        File.WriteAllText(yaml, Head + "  test: [a, b]\n");
        Assert.Equal($"{yaml}:8: data.test: no file b.en",
            Assert.Throws<UserErrorException>(() => ConfigLoader.CheckFiles(ConfigLoader.Load(yaml), yaml, dir)).Message);
    }
}
