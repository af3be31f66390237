using Seq2Seq.Inference;

namespace Seq2Seq.Tests.LanguageModel;

/// <summary>
/// On <see cref="ThreeWayModelFixture"/>'s model, what <c>lm sample</c> draws after 'a' follows
/// softmax(scores / temperature), and a seed fixes the draws.
/// </summary>
[Collection(TorchCollection.Name)]
public class CharSamplerTests(ThreeWayModelFixture fixture) : IClassFixture<ThreeWayModelFixture>
{
    private CharSampler Sampler => fixture.Sampler;

    [Fact]
    public void TheModelLearnedTheThreeWayChoice()
    {
        var p = Next("a", 1.0);
        Assert.InRange(p["b"], 0.5, 0.7);
        Assert.InRange(p["c"], 0.2, 0.4);
        Assert.InRange(p["d"], 0.03, 0.17);
    }

    /// <summary>softmax(scores / temperature) of the character after <paramref name="prime"/>, by character.</summary>
    private Dictionary<string, double> Next(string prime, double temperature)
    {
        var p = TruncatedBackpropagationTests.NextCharacter(Sampler, prime);
        var scaled = p.Select(x => Math.Pow(x, 1 / temperature)).ToArray();           // softmax(log p / T)
        return Sampler.Vocabulary.Characters.Select((c, i) => (c, scaled[i] / scaled.Sum())).ToDictionary(x => x.c, x => x.Item2);
    }

    [Fact]
    public void DrawsFollowSoftmaxOfScoresOverTemperature()
    {
        const int Draws = 1500;
        var share = new Dictionary<double, double>();
        foreach (double temperature in new[] { 0.5, 2.0 })
        {
            var expected = Next("a", temperature);
            var counts = Enumerable.Range(0, Draws)
                .Select(seed => Sampler.Sample("a", 1, temperature, (ulong)seed)[1..])
                .CountBy(c => c).ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (c, p) in expected)
            {
                double observed = counts.GetValueOrDefault(c) / (double)Draws;
                Assert.True(Math.Abs(observed - p) < 0.045, $"temperature {temperature}: '{c}' drawn {observed:F3} of the time, expected {p:F3}");
            }
            share[temperature] = counts.GetValueOrDefault("b") / (double)Draws;
        }
        // A low temperature sharpens the distribution towards the likeliest character, a high one flattens it.
        Assert.True(share[0.5] > share[2.0] + 0.2, $"'b' drawn {share[0.5]:F3} of the time at 0.5, {share[2.0]:F3} at 2");
        Assert.All(Enumerable.Range(0, 20), seed => Assert.Equal("ab", Sampler.Sample("a", 1, temperature: 0, (ulong)seed)));
    }

    [Fact]
    public void TheSameSeedGivesTheSameTextAndAnotherSeedAnother()
    {
        string first = Sampler.Sample(null, 200, 1.0, seed: 42);
        Assert.Equal(first, Sampler.Sample(null, 200, 1.0, seed: 42));
        Assert.NotEqual(first, Sampler.Sample(null, 200, 1.0, seed: 43));
        Assert.Equal(200, first.Length);
        Assert.Equal("ab", Sampler.Sample("ab", 0, 1.0, seed: 1));                      // length 0: the prime alone
        // Without a prime the first character is drawn from the text's character frequencies: 'a' is half of it.
        Assert.Equal("a", Sampler.Sample(null, 1, temperature: 0, seed: 1));
        var firsts = Enumerable.Range(0, 400).Select(s => Sampler.Sample(null, 1, 1.0, (ulong)s)).ToList();
        Assert.InRange(firsts.Count(c => c == "a") / 400.0, 0.4, 0.6);
    }

    [Fact]
    public void TheCommandLinePrintsTheSameTextForTheSameSeed()
    {
        string[] args = ["lm", "sample", "--model", fixture.Config.ModelDir, "--length", "80", "--temperature", "1.5", "--seed", "7"];
        var first = Robustness.Cli.Run(TestPaths.NewTempDir(), args);
        var second = Robustness.Cli.Run(TestPaths.NewTempDir(), args);

        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(Sampler.Sample(null, 80, 1.5, seed: 7) + "\n", first.Out);
        Assert.Equal(first.Out, second.Out);
    }

    [Fact]
    public void APrimeCharacterNotInTheVocabularyIsAOneLineError()
    {
        var e = Assert.Throws<UserErrorException>(() => Sampler.Sample("abz", 5, 1.0, seed: 1));
        Assert.Contains("'z'", e.Message);

        string line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(TestPaths.NewTempDir(), "lm", "sample", "--model", fixture.Config.ModelDir, "--prime", "abz"));

        Assert.Contains("prime text: character 'z' (at 2) is not in the model's vocabulary of 4 characters", line);
        Assert.Contains("'a' 'b' 'c' 'd'", line);
    }

    [Fact]
    public void BadSampleFlagsAreOneLineErrors()
    {
        string model = fixture.Config.ModelDir;
        Assert.Contains("--length must be 0 or more", Robustness.Cli.AssertUserError(Robustness.Cli.Run(TestPaths.NewTempDir(), "lm", "sample", "--model", model, "--length", "-1")));
        Assert.Contains("--temperature must be 0 or more", Robustness.Cli.AssertUserError(Robustness.Cli.Run(TestPaths.NewTempDir(), "lm", "sample", "--model", model, "--temperature", "-0.5")));
    }

    [Fact]
    public void ABadModelDirIsAOneLineError()
    {
        string root = TestPaths.NewTempDir();
        string line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "sample", "--model", "nowhere"));
        Assert.Equal("seq2seq: nowhere: no such model directory", line);

        Directory.CreateDirectory(Path.Combine(root, "empty"));
        line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "sample", "--model", "empty"));
        Assert.Contains("empty/config.yaml: missing; is empty a model directory written by 'seq2seq lm train'?", line);

        // A translation model directory: its config is there, the character vocabulary is not.
        Directory.CreateDirectory(Path.Combine(root, "translation"));
        File.WriteAllText(Path.Combine(root, "translation", "config.yaml"), "model_dir: translation\n");
        line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "sample", "--model", "translation"));
        Assert.Contains("translation/vocab.json: missing", line);

        // Weights that are not a checkpoint.
        string broken = Path.Combine(root, "broken");
        Directory.CreateDirectory(broken);
        foreach (var file in new[] { "config.yaml", "vocab.json" })
            File.Copy(Path.Combine(fixture.Config.ModelDir, file), Path.Combine(broken, file));
        File.WriteAllText(Path.Combine(broken, "model.ckpt"), "not weights");
        line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "sample", "--model", "broken"));
        Assert.Contains("broken/model.ckpt: not a readable checkpoint", line);
    }
}
