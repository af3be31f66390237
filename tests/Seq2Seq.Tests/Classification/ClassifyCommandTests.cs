using Seq2Seq.Classification;
using Seq2Seq.Config;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Classification;

using Cli = Seq2Seq.Tests.Robustness.Cli;

/// <summary><c>seq2seq classify</c> end to end: its output, and bad input as one error line with exit code 1.</summary>
[Collection(TorchCollection.Name)]
public class ClassifyCommandTests
{
    /// <summary>A trained tiny classifier (trained once for the class) and its folder.</summary>
    public sealed class TrainedModel
    {
        public TrainedModel()
        {
            Root = TestPaths.NewTempDir();
            Config = TinyClassification.Setup(Root, maxSteps: 80);
            new ClassifierTrainer(Config, new TrainOptions()).Run();
        }

        public string Root { get; }

        public ClassifierConfig Config { get; }
    }

    private static readonly Lazy<TrainedModel> Model = new(() => new TrainedModel());

    private static string Write(string dir, string name, params string[] lines)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
        return path;
    }

    [Fact]
    public void PredictPrintsALabelALineWithProbabilitiesAndDrawsTheWeights()
    {
        var m = Model.Value;
        string dir = TestPaths.NewTempDir(), input = Write(dir, "in.txt", "a sunny day", "rainy and grey", "we walked home");
        var run = Cli.Run(dir, "classify", "predict", "--model", m.Config.ModelDir, "--input", input, "--probabilities", "--attention-svg", "svg");
        Assert.True(run.Code == 0, run.Err);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["bright", "dark", "calm"], lines.Select(l => l.Split('\t')[0]));
        var fields = lines[0].Split('\t');
        Assert.Equal(["bright=", "calm=", "dark="], fields.Skip(1).Select(f => f[..(f.IndexOf('=') + 1)]));
        Assert.Equal(1.0, fields.Skip(1).Sum(f => double.Parse(f[(f.IndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture)), 2);
        string svg = File.ReadAllText(Path.Combine(dir, "svg", "0001.svg"));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(svg, "class=\"cell\"").Count);   // one row over the three words
        Assert.Contains(">sunny<", svg);
    }

    [Fact]
    public void TestPrintsAccuracyMacroF1AndTheConfusionMatrix()
    {
        var m = Model.Value;
        var run = Cli.Run(m.Root, "classify", "test", "--model", m.Config.ModelDir, "--input", "dev.txt", "--labels", "dev.labels");
        Assert.True(run.Code == 0, run.Err);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^accuracy \d+\.\d\d% \(\d+ of 40\)  macro-F1 \d+\.\d\d$", lines[0]);
        Assert.StartsWith("gold \\ predicted", lines[1]);
        Assert.Equal(["bright", "calm", "dark"], lines.Skip(2).Select(l => l.Split(' ')[0]));
        Assert.Equal(40, lines.Skip(2).Sum(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SkipLast(1).Sum(int.Parse)));
    }

    [Fact]
    public void LabelAndTextFilesOfDifferentLengthsNameTheFileAndLine()
    {
        var m = Model.Value;
        string dir = TestPaths.NewTempDir();
        Write(dir, "t.txt", "a sunny day", "grey", "we walked");
        Write(dir, "t.labels", "bright", "dark");
        string line = Cli.AssertUserError(Cli.Run(dir, "classify", "test", "--model", m.Config.ModelDir, "--input", "t.txt", "--labels", "t.labels"));
        Assert.Contains("t.labels:3: missing", line);
        Assert.Contains("t.txt has 3 lines but t.labels has 2", line);
    }

    [Fact]
    public void AnUnknownLabelAtTestTimeNamesTheFileAndLine()
    {
        var m = Model.Value;
        string dir = TestPaths.NewTempDir();
        Write(dir, "t.txt", "a sunny day", "grey");
        Write(dir, "t.labels", "bright", "gloomy");
        string line = Cli.AssertUserError(Cli.Run(dir, "classify", "test", "--model", m.Config.ModelDir, "--input", "t.txt", "--labels", "t.labels"));
        Assert.Equal("seq2seq: t.labels:2: unknown label 'gloomy' (the model knows bright, calm, dark)", line);
    }

    [Fact]
    public void AnEmptyFileOrLineIsAnError()
    {
        var m = Model.Value;
        string dir = TestPaths.NewTempDir();
        Write(dir, "empty.txt");
        Assert.Equal("seq2seq: empty.txt: empty file: expected one sentence a line",
            Cli.AssertUserError(Cli.Run(dir, "classify", "predict", "--model", m.Config.ModelDir, "--input", "empty.txt")));
        Write(dir, "gap.txt", "sunny", "", "grey");
        Assert.Equal("seq2seq: gap.txt:2: empty line: expected one sentence a line",
            Cli.AssertUserError(Cli.Run(dir, "classify", "predict", "--model", m.Config.ModelDir, "--input", "gap.txt")));
    }

    [Fact]
    public void TrainingDataOfDifferentLengthsIsRefusedBeforeTheModelDirectoryIsMade()
    {
        string root = TestPaths.NewTempDir();
        var config = TinyClassification.Setup(root, maxSteps: 5);
        File.AppendAllText(Path.Combine(root, "train.labels"), "bright\n");
        string path = Path.Combine(root, "c.yaml");
        File.WriteAllText(path, ConfigLoader.ToYaml(config));
        string line = Cli.AssertUserError(Cli.Run(root, "classify", "train", path));
        Assert.Contains("train.txt:201: missing", line);
        Assert.False(Directory.Exists(config.ModelDir));
    }

    [Fact]
    public void TheClassifierConfigTakesAccuracyOrLossAndTranslationRefusesAccuracy()
    {
        const string Base = "model_dir: m\ndata:\n  train: t\n  dev: d\n";
        Assert.Equal(EvalMetric.Accuracy, ConfigLoader.ParseClassifier(Base, "c.yaml").Training.EvalMetric);
        Assert.Equal(EvalMetric.Loss, ConfigLoader.ParseClassifier(Base + "training:\n  eval_metric: loss\n", "c.yaml").Training.EvalMetric);
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.ParseClassifier(Base + "training:\n  eval_metric: bleu\n", "c.yaml"));
        Assert.Equal("c.yaml:6: training.eval_metric: a classifier is scored by accuracy or loss, not bleu", e.Message);
        var t = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(
            "model_dir: m\ndata:\n  train: t\n  dev: d\n  src: fr\n  trg: en\ntraining:\n  eval_metric: accuracy\n", "x.yaml"));
        Assert.StartsWith("x.yaml:8: training.eval_metric: accuracy scores sentence classifiers", t.Message);
    }
}
