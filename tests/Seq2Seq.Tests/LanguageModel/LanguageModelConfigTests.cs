using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Tests.Config;
using Seq2Seq.Text;

namespace Seq2Seq.Tests.LanguageModel;

/// <summary>The language model's config schema, read by the same ConfigLoader machinery as the translation configs.</summary>
public class LanguageModelConfigTests
{
    private const string Good = """
        name: lm
        model_dir: model
        data: text.txt
        model:
          rnn_type: lstm
          hidden: 16
        training:
          seq_length: 10
          max_steps: 5
        """;

    [Fact]
    public void OmittedKeysTakeTheirDefaultsAndTheConfigRoundTrips()
    {
        var config = ConfigLoader.ParseLanguageModel(Good, "lm.yaml");

        Assert.Equal(new LanguageModelConfig
        {
            Name = "lm",
            ModelDir = "model",
            Data = "text.txt",
            Model = new LanguageModelNetworkConfig { RnnType = RnnType.Lstm, Hidden = 16 },
            Training = new LanguageModelTrainingConfig { SeqLength = 10, MaxSteps = 5 },
        }, config);
        Assert.Equal(config, ConfigLoader.ParseLanguageModel(ConfigLoader.ToYaml(config), "config.yaml"));
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        // text to replace, replacement, expected message
        { "  hidden: 16", "  hiden: 16", "lm.yaml:6: unknown key 'hiden' in model (did you mean 'hidden'?)" },
        { "  seq_length: 10", "  seq_lenght: 10", "lm.yaml:8: unknown key 'seq_lenght' in training (did you mean 'seq_length'?)" },
        { "  seq_length: 10", "  hidden: 10", "lm.yaml:8: unknown key 'hidden' in training (it belongs in model)" },
        { "  rnn_type: lstm", "  rnn_type: lstn", "lm.yaml:5: model.rnn_type: unknown value 'lstn' (allowed: gru, lstm, rnn) (did you mean 'lstm'?)" },
        { "  rnn_type: lstm", "  rnn_type: transformer", "lm.yaml:5: model.rnn_type: unknown value 'transformer' (allowed: gru, lstm, rnn)" },
        { "  hidden: 16", "  hidden: 0", "lm.yaml:6: model.hidden: must be positive, got 0" },
        { "  seq_length: 10", "  seq_length: ten", "lm.yaml:8: training.seq_length: expected an integer, got 'ten'" },
        { "  max_steps: 5", "  max_steps: 0", "lm.yaml:9: training.max_steps: training would never stop: set max_steps or max_minutes" },
        { "data: text.txt\n", "", "lm.yaml: missing required key data" },
        { "data: text.txt", "data:\n  train: corpus/train", "lm.yaml:3: data: expected a string, got a mapping" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ABadKeyIsOneLineNamingFileLineAndKey(string find, string replace, string expected)
    {
        Assert.Contains(find, Good);
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.ParseLanguageModel(Good.Replace(find, replace), "lm.yaml"));
        Assert.Equal(expected, e.Message);
    }

    [Theory]
    [InlineData("  rnn_type: lstm", "  rnn_type: gur", "config.yaml:5: model.rnn_type: unknown value 'gur'")]
    [InlineData("  hidden: 16", "  hiden: 16", "config.yaml:6: unknown key 'hiden' in model (did you mean 'hidden'?)")]
    [InlineData("data: text.txt", "data: nowhere.txt", "config.yaml:3: data: no file nowhere.txt")]
    public void TheCommandLineSaysItOnOneLineAndCreatesNothing(string find, string replace, string expected)
    {
        string root = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(root, "text.txt"), "some text to learn\n");
        File.WriteAllText(Path.Combine(root, "config.yaml"), Good.Replace(find, replace));

        string line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "train", "config.yaml"));

        Assert.StartsWith("seq2seq: " + expected, line);
        Assert.False(Directory.Exists(Path.Combine(root, "model")));
    }

    [Theory]
    [InlineData("", "too few to learn from")]
    [InlineData("a", "text.txt: 1 character, too few to learn from")]
    public void ATextTooShortIsOneLineAndCreatesNothing(string text, string expected)
    {
        string root = TestPaths.NewTempDir();
        File.WriteAllText(Path.Combine(root, "text.txt"), text);
        File.WriteAllText(Path.Combine(root, "config.yaml"), Good);

        string line = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "lm", "train", "config.yaml"));

        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(root, "model")));
    }

    [Fact]
    public void ATranslationConfigIsNotALanguageModelConfig()
    {
        string sample = Path.Combine(TestPaths.RepoRoot, "configs", "sample.yaml");
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.LoadLanguageModel(sample));
        Assert.StartsWith(sample + ":", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ToYamlWritesEveryProperty()
    {
        var yaml = ConfigLoader.ToYaml(ConfigLoader.ParseLanguageModel(Good, "lm.yaml"));
        int keys = yaml.Split('\n').Count(l => l.Contains(':') && !l.StartsWith('#'));
        int expected = new[] { typeof(LanguageModelConfig), typeof(LanguageModelNetworkConfig), typeof(LanguageModelTrainingConfig) }
            .Sum(t => t.GetProperties().Count(p => p.Name != "EqualityContract"));
        Assert.Equal(expected, keys);
    }

    [Fact]
    public void TheShippedHelloConfigStatesEveryKey()
    {
        string path = Path.Combine(TestPaths.RepoRoot, "configs", "hello_lm.yaml");
        Assert.Equal(YamlKeys.Of(ConfigLoader.ToYaml(new LanguageModelConfig())), YamlKeys.Of(File.ReadAllText(path)));
        var config = ConfigLoader.LoadLanguageModel(path);
        Assert.Equal(config, ConfigLoader.ParseLanguageModel(ConfigLoader.ToYaml(config), "config.yaml"));
    }

    [Fact]
    public void TheTextIsReadAsCodePointsWithCrlfAsLf()
    {
        string root = TestPaths.NewTempDir();
        string path = Path.Combine(root, "t.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "a😀b\r\nc\n"u8]);

        string text = TextFile.ReadAllText(path);
        var vocabulary = CharVocabulary.FromText(text);

        Assert.Equal("a😀b\nc\n", text);
        Assert.Equal(["\n", "a", "b", "c", "😀"], vocabulary.Characters);
        Assert.Equal([2L, 1, 1, 1, 1], vocabulary.Counts);
        Assert.Equal([1, 4, 2, 0, 3, 0], vocabulary.Encode(text));
        Assert.Equal(text, vocabulary.Decode(vocabulary.Encode(text)));
        vocabulary.Save(Path.Combine(root, "vocab.json"));
        var back = CharVocabulary.Load(Path.Combine(root, "vocab.json"));
        Assert.Equal(vocabulary.Characters, back.Characters);
        Assert.Equal(vocabulary.Counts, back.Counts);

        File.WriteAllBytes(path, [.. "ok\nfine\n"u8, 0xC3, 0x28, (byte)'\n']);
        var e = Assert.Throws<UserErrorException>(() => TextFile.ReadAllText(path));
        Assert.Equal($"{path}:3: invalid UTF-8", e.Message);
    }
}
