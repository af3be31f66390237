using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.LanguageModel;

/// <summary>
/// min-char-rnn's lecture example: configs/hello_lm.yaml trains on data/hello.txt in seconds, and then
/// <c>seq2seq lm sample --model DIR --prime h --length 4 --temperature 0</c> prints <c>hello</c>, for every cell type,
/// through the library and through the command line.
/// </summary>
[Collection(TorchCollection.Name)]
public class HelloLanguageModelTests
{
    private static string ShippedConfig => Path.Combine(TestPaths.RepoRoot, "configs", "hello_lm.yaml");

    /// <summary>The shipped config's text with another cell type, model directory and (optionally) text file.</summary>
    private static string HelloYaml(string rnnType, string modelDir, string? data = null)
    {
        string yaml = File.ReadAllText(ShippedConfig);
        foreach (var expected in new[] { "rnn_type: \"gru\"", "model_dir: \"models/hello_lm\"", "data: \"data/hello.txt\"" })
            Assert.Contains(expected, yaml);
        return yaml.Replace("rnn_type: \"gru\"", $"rnn_type: \"{rnnType}\"", StringComparison.Ordinal)
            .Replace("model_dir: \"models/hello_lm\"", $"model_dir: \"{modelDir}\"", StringComparison.Ordinal)
            .Replace("data: \"data/hello.txt\"", $"data: \"{data ?? Path.Combine(TestPaths.RepoRoot, "data", "hello.txt")}\"", StringComparison.Ordinal);
    }

    [Fact]
    public void TheShippedTextIsTheOneWordHello()
    {
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "data", "hello.txt")));
        var config = ConfigLoader.LoadLanguageModel(ShippedConfig);
        ConfigLoader.CheckTextFile(config, ShippedConfig, TestPaths.RepoRoot);
        Assert.Equal((RnnType.Gru, 1), (config.Model.RnnType, config.Training.BatchSize));
    }

    [Theory]
    [InlineData("gru")]
    [InlineData("lstm")]
    [InlineData("rnn")]
    public void HelloThroughTheLibrary(string rnnType)
    {
        string root = TestPaths.NewTempDir();
        string modelDir = Path.Combine(root, "hello_lm");
        var config = ConfigLoader.ParseLanguageModel(HelloYaml(rnnType, modelDir), "hello_lm.yaml");
        var events = new List<TrainingEvent>();

        var result = new CharLanguageModelTrainer(config, new LanguageModelTrainOptions(), new ListProgress(events)).Run();

        Assert.Equal(config.Training.MaxSteps, result.Steps);
        var losses = events.OfType<LanguageModelStepReport>().Select(r => r.Loss).ToList();
        Assert.Equal(config.Training.MaxSteps / config.Training.LoggingFreq, losses.Count);
        Assert.True(losses[^1] < losses[0] / 10, $"loss per character did not fall: {string.Join(", ", losses)}");
        Assert.True(losses[^1] < 0.05, $"final loss per character {losses[^1]}");
        var samples = events.OfType<LanguageModelSample>().ToList();
        Assert.Equal(config.Training.MaxSteps / config.Training.SampleFreq, samples.Count);
        Assert.All(samples, s => Assert.Equal(config.Training.SampleLength, s.Text.EnumerateRunes().Count()));
        Assert.All(samples, s => Assert.True(s.Text.All(c => "helo\n".Contains(c)), s.Text));
        foreach (var file in new[] { "config.yaml", "vocab.json", "model.ckpt", "train.log" })
            Assert.True(File.Exists(Path.Combine(modelDir, file)), file);
        Assert.Equal(config, ConfigLoader.LoadLanguageModel(Path.Combine(modelDir, "config.yaml")));
        string log = File.ReadAllText(Path.Combine(modelDir, "train.log"));
        Assert.Contains($"step {config.Training.MaxSteps} pass", log);
        Assert.Contains("sample at step", log);

        using var sampler = CharSampler.Load(modelDir);
        Assert.Equal(["\n", "e", "h", "l", "o"], sampler.Vocabulary.Characters);
        Assert.Equal("hello", sampler.Sample("h", length: 4, temperature: 0, seed: 1));
        Assert.Equal("hello", sampler.Sample("h", length: 4, temperature: 0, seed: 2)); // temperature 0 draws nothing
    }

    [Theory]
    [InlineData("gru")]
    [InlineData("lstm")]
    [InlineData("rnn")]
    public void HelloThroughTheCommandLine(string rnnType)
    {
        string root = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(root, "hello_lm.yaml"), HelloYaml(rnnType, "hello_lm"));

        var (code, output, err) = Robustness.Cli.Run(root, "lm", "train", "hello_lm.yaml");

        Assert.True(code == 0, err);
        Assert.Equal("", output);
        Assert.Contains("loss", err);
        Assert.Contains("per character", err);
        Assert.Contains("---- sample at step 300 ----", err);
        Assert.Contains("stopped: max_steps 300 reached", err);

        (code, output, err) = Robustness.Cli.Run(root, "lm", "sample", "--model", "hello_lm", "--prime", "h", "--length", "4", "--temperature", "0");

        Assert.True(code == 0, err);
        Assert.Equal("hello\n", output);
        Assert.Equal("", err);
    }

    [Fact]
    public void HelloWithoutATrailingNewlineWorksToo()
    {
        string root = TestPaths.NewTempDir();
        string text = Path.Combine(root, "hello.txt");
        File.WriteAllText(text, "hello");
        string modelDir = Path.Combine(root, "hello_lm");
        var config = ConfigLoader.ParseLanguageModel(HelloYaml("gru", modelDir, text), "hello_lm.yaml");

        new CharLanguageModelTrainer(config, new LanguageModelTrainOptions()).Run();

        using var sampler = CharSampler.Load(modelDir);
        Assert.Equal(["e", "h", "l", "o"], sampler.Vocabulary.Characters);
        Assert.Equal("hello", sampler.Sample("h", length: 4, temperature: 0, seed: 1));
        Assert.Equal("hell", sampler.Sample("he", length: 2, temperature: 0, seed: 1));
    }

    [Fact]
    public void TheSameSeedGivesTheSameLossesAndWeights()
    {
        List<double> Train(string modelDir)
        {
            var config = ConfigLoader.ParseLanguageModel(HelloYaml("lstm", modelDir), "hello_lm.yaml");
            var events = new List<TrainingEvent>();
            new CharLanguageModelTrainer(config with { Training = config.Training with { MaxSteps = 100 } }, new LanguageModelTrainOptions(),
                new ListProgress(events)).Run();
            return events.OfType<LanguageModelStepReport>().Select(r => r.Loss).ToList();
        }
        string a = Path.Combine(TestPaths.NewTempDir(), "a"), b = Path.Combine(TestPaths.NewTempDir(), "b");

        var first = Train(a);

        Assert.Equal(2, first.Count);
        Assert.Equal(first, Train(b));
        using var one = CharSampler.Load(a);
        using var two = CharSampler.Load(b);
        foreach (var (p, q) in one.Model.parameters().Zip(two.Model.parameters()))
            Assert.Equal(p.data<float>().ToArray(), q.data<float>().ToArray());
    }

    [Fact]
    public void ALossThatIsNotFiniteStopsTrainingAsAUserErrorAndSavesNoWeights()
    {
        string root = TestPaths.NewTempDir();
        string yaml = HelloYaml("gru", "hello_lm").Replace("learning_rate: 0.01", "learning_rate: 1.0e37", StringComparison.Ordinal)
            .Replace("clip_grad_norm: 5.0", "clip_grad_norm: 0.0", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(root, "hello_lm.yaml"), yaml);

        string line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "train", "hello_lm.yaml"), afterProgress: true);

        Assert.StartsWith("seq2seq: training diverged: the loss is ", line);
        Assert.Contains("lower training.learning_rate", line);
        Assert.False(File.Exists(Path.Combine(root, "hello_lm", "model.ckpt")));
    }

    [Fact]
    public void ANonEmptyModelDirIsRefusedWithoutOverwrite()
    {
        string root = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(root, "hello_lm.yaml"), HelloYaml("gru", "hello_lm"));
        Directory.CreateDirectory(Path.Combine(root, "hello_lm"));
        File.WriteAllText(Path.Combine(root, "hello_lm", "model.ckpt"), "precious");

        string line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "train", "hello_lm.yaml"));

        Assert.Contains("hello_lm: model directory already holds files", line);
        Assert.Contains("--overwrite", line);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(root, "hello_lm", "model.ckpt")));
        Assert.Single(Directory.GetFiles(Path.Combine(root, "hello_lm")));

        var (code, _, err) = Robustness.Cli.Run(root, "lm", "train", "hello_lm.yaml", "--overwrite");

        Assert.True(code == 0, err);
        Assert.NotEqual("precious", File.ReadAllText(Path.Combine(root, "hello_lm", "model.ckpt")));
    }

    internal sealed class ListProgress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
