using Seq2Seq.Config;

namespace Seq2Seq.Tests.Config;

public class ConfigLoaderTests
{
    private const string Minimal = """
        model_dir: models/x
        data:
          train: data/sample/train
          dev: data/sample/dev
          src: fr
          trg: en

        """;

    private static string Error(string yaml)
    {
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml, "configs/x.yaml"));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void DecoderLayersOtherThanOneAreRefusedNotIgnored()
    {
        string message = Error(Minimal + "model:\n  decoder_layers: 2\n");
        Assert.StartsWith("configs/x.yaml:8: model.decoder_layers: only 1 is supported", message);
        Assert.Equal(1, ConfigLoader.Parse(Minimal + "model:\n  decoder_layers: 1\n", "x.yaml").Model.DecoderLayers);
    }

    [Fact]
    public void OmittedKeysTakeTheRecordDefaults()
    {
        var c = ConfigLoader.Parse(Minimal, "x.yaml");
        Assert.Equal("models/x", c.ModelDir);
        Assert.Equal("data/sample/train", c.Data.Train);
        Assert.Equal("fr", c.Data.Src);
        Assert.Null(c.Data.Test);
        var defaults = new Seq2SeqConfig();
        Assert.Equal(defaults.Model, c.Model);
        Assert.Equal(defaults.Testing, c.Testing);
        Assert.Equal(defaults.Subwords, c.Subwords);
        Assert.Equal(defaults.Training.Betas, c.Training.Betas);
        Assert.Equal(defaults.Training with { Betas = c.Training.Betas }, c.Training);
        Assert.Equal(50, c.Data.MaxLength);
        Assert.Equal(DeviceChoice.Cpu, c.Device);
    }

    [Fact]
    public void ValuesOfEveryKindAreRead()
    {
        var c = ConfigLoader.Parse(Minimal + """
            seed: 7
            device: auto
            model:
              bidirectional: false
              dropout: 0.25
            training:
              betas: [0.9, 0.98]
              min_lr: 1e-5
              max_minutes: 2.5
            testing:
            """, "x.yaml");
        Assert.Equal(7, c.Seed);
        Assert.Equal(DeviceChoice.Auto, c.Device);
        Assert.False(c.Model.Bidirectional);
        Assert.Equal(0.25, c.Model.Dropout);
        Assert.Equal([0.9, 0.98], c.Training.Betas);
        Assert.Equal(1e-5, c.Training.MinLr);
        Assert.Equal(2.5, c.Training.MaxMinutes);
        Assert.Equal(new TestingConfig(), c.Testing);
    }

    [Fact]
    public void UnknownKeyNamesLineAndSuggestsTheClosestKey()
    {
        Assert.Equal("configs/x.yaml:9: unknown key 'learnig_rate' in training (did you mean 'learning_rate'?)",
            Error(Minimal + "training:\n  batch_size: 64\n  learnig_rate: 0.001\n"));
    }

    [Fact]
    public void UnknownTopLevelKey()
    {
        Assert.Equal("configs/x.yaml:7: unknown key 'modle' at the top level (did you mean 'model'?)",
            Error(Minimal + "modle:\n  embedding_dim: 3\n"));
        Assert.Equal("configs/x.yaml:8: unknown key 'beam_size' in training (it belongs in testing)",
            Error(Minimal + "training:\n  beam_size: 3\n"));
        Assert.Equal("configs/x.yaml:7: unknown key 'colour' at the top level",
            Error(Minimal + "colour: blue\n"));
    }

    [Fact]
    public void WrongScalarTypes()
    {
        Assert.Equal("configs/x.yaml:8: training.batch_size: expected an integer, got 'sixty'",
            Error(Minimal + "training:\n  batch_size: sixty\n"));
        Assert.Equal("configs/x.yaml:8: training.batch_size: expected an integer, got '64.5'",
            Error(Minimal + "training:\n  batch_size: 64.5\n"));
        Assert.Equal("configs/x.yaml:8: model.dropout: expected a number, got 'high'",
            Error(Minimal + "model:\n  dropout: high\n"));
        Assert.Equal("configs/x.yaml:8: model.bidirectional: expected true or false, got 'yes'",
            Error(Minimal + "model:\n  bidirectional: yes\n"));
        Assert.Equal("configs/x.yaml:8: model.embedding_dim: expected an integer, got an empty value",
            Error(Minimal + "model:\n  embedding_dim:\n"));
        Assert.Equal("configs/x.yaml:8: model.embedding_dim: expected an integer, got a list",
            Error(Minimal + "model:\n  embedding_dim: [1, 2]\n"));
    }

    [Fact]
    public void MissingRequiredKeys()
    {
        Assert.Equal("configs/x.yaml: missing required key data.train",
            Error("model_dir: m\ndata:\n  dev: d\n  src: fr\n  trg: en\n"));
        Assert.Equal("configs/x.yaml: missing required keys model_dir, data.train, data.dev, data.src, data.trg",
            Error("name: nothing\n"));
        Assert.Equal("configs/x.yaml:1: model_dir: must not be empty",
            Error(Minimal.Replace("model_dir: models/x", "model_dir: \"\"")));
    }

    [Fact]
    public void SyntaxErrorNamesItsLine()
    {
        var message = Error("model_dir: m\ndata:\n  train: t\n    dev: [d\n");
        Assert.StartsWith("configs/x.yaml:4: YAML syntax error: ", message);
        Assert.Equal("configs/x.yaml:3: YAML syntax error: a tab in the indentation (YAML indents with spaces)",
            Error("model_dir: m\ndata:\n\ttrain: t\n"));
        Assert.Equal("configs/x.yaml:2: YAML syntax error: While scanning a quoted scalar, found unexpected end of stream.",
            Error("model_dir: m\nname: 'x\ndata: 2\n"));
        Assert.Equal("configs/x.yaml:2: YAML syntax error: unclosed '[' or '{', or a key where a value was expected",
            Error("model_dir: m\nseed: [1, 2\nname: 3\n"));
    }

    [Fact]
    public void DuplicateKey()
    {
        Assert.Equal("configs/x.yaml:9: duplicate key 'batch_size'",
            Error(Minimal + "training:\n  batch_size: 64\n  batch_size: 32\n"));
    }

    [Fact]
    public void WrongSectionType()
    {
        Assert.Equal("configs/x.yaml:7: training: expected a mapping (a section of keys), got '5'",
            Error(Minimal + "training: 5\n"));
        Assert.Equal("configs/x.yaml:2: data: expected a mapping (a section of keys), got a list",
            Error("model_dir: m\ndata:\n  - train\n"));
        Assert.Equal("configs/x.yaml:1: expected a mapping of keys to values at the top level, got a list",
            Error("- a\n- b\n"));
        Assert.Equal("configs/x.yaml: the config is empty", Error("# nothing\n"));
    }

    [Fact]
    public void BadEnumValuesListTheAllowedOnes()
    {
        Assert.Equal("configs/x.yaml:8: model.rnn_type: unknown value 'gur' (allowed: gru, lstm, rnn)",
            Error(Minimal + "model:\n  rnn_type: gur\n"));
        Assert.Equal("configs/x.yaml:8: model.attention: unknown value 'luong' (allowed: bahdanau, luong_dot, luong_general, none)",
            Error(Minimal + "model:\n  attention: luong\n"));
        Assert.Equal("configs/x.yaml:8: subwords.type: unknown value 'spm' (allowed: bpe, char, word)",
            Error(Minimal + "subwords:\n  type: spm\n"));
        Assert.Equal("configs/x.yaml:8: training.batch_type: unknown value 'sentence' (allowed: sentences, tokens) (did you mean 'sentences'?)",
            Error(Minimal + "training:\n  batch_type: sentence\n"));
        Assert.Equal("configs/x.yaml:8: training.optimizer: unknown value 'sgd' (allowed: adam)",
            Error(Minimal + "training:\n  optimizer: sgd\n"));
        Assert.Equal("configs/x.yaml:8: training.eval_metric: unknown value 'chrf' (allowed: bleu, loss, accuracy)",
            Error(Minimal + "training:\n  eval_metric: chrf\n"));
        Assert.Equal("configs/x.yaml:7: device: unknown value 'gpu' (allowed: cpu, cuda, auto)",
            Error(Minimal + "device: gpu\n"));
    }

    [Fact]
    public void OutOfRangeNumbers()
    {
        Assert.Equal("configs/x.yaml:8: model.dropout: must be in [0, 1), got 1.0",
            Error(Minimal + "model:\n  dropout: 1\n"));
        Assert.Equal("configs/x.yaml:8: model.dropout: must be in [0, 1), got -0.1",
            Error(Minimal + "model:\n  dropout: -0.1\n"));
        Assert.Equal("configs/x.yaml:9: model.embedding_dim: must be positive, got 0",
            Error(Minimal + "model:\n  dropout: 0\n  embedding_dim: 0\n"));
        Assert.Equal("configs/x.yaml:8: training.batch_size: must be positive, got -64",
            Error(Minimal + "training:\n  batch_size: -64\n"));
        Assert.Equal("configs/x.yaml:8: training.learning_rate: must be positive, got 0.0",
            Error(Minimal + "training:\n  learning_rate: 0\n"));
        Assert.Equal("configs/x.yaml:8: testing.beam_size: must be positive, got 0",
            Error(Minimal + "testing:\n  beam_size: 0\n"));
    }

    [Fact]
    public void EachDeclaredRangeStatesItsRule()
    {
        Assert.Equal("configs/x.yaml:8: training.decrease_factor: must be in (0, 1], got 0.0",
            Error(Minimal + "training:\n  decrease_factor: 0\n"));
        Assert.Equal("configs/x.yaml:8: training.decrease_factor: must be in (0, 1], got 1.5",
            Error(Minimal + "training:\n  decrease_factor: 1.5\n"));
        Assert.Equal(1.0, ConfigLoader.Parse(Minimal + "training:\n  decrease_factor: 1\n", "x.yaml").Training.DecreaseFactor);
        Assert.Equal("configs/x.yaml:7: threads: must be 0 or more, got -1", Error(Minimal + "threads: -1\n"));
        Assert.Equal("configs/x.yaml:8: testing.max_length_offset: must be 0 or more, got -2",
            Error(Minimal + "testing:\n  max_length_offset: -2\n"));
    }

    [Fact]
    public void BetasAreTwoNumbersInTheUnitInterval()
    {
        Assert.Equal("configs/x.yaml:8: training.betas: expected two numbers in [0, 1), got [0.9]",
            Error(Minimal + "training:\n  betas: [0.9]\n"));
        Assert.Equal("configs/x.yaml:8: training.betas: expected two numbers in [0, 1), got [0.9, 1.0]",
            Error(Minimal + "training:\n  betas: [0.9, 1.0]\n"));
        Assert.Equal("configs/x.yaml:10: training.betas: expected a list of numbers, got 'x' in it",
            Error(Minimal + "training:\n  betas:\n    - 0.9\n    - x\n"));
        Assert.Equal("configs/x.yaml:8: training.betas: expected a list of numbers such as [0.9, 0.999], got '0.9'",
            Error(Minimal + "training:\n  betas: 0.9\n"));
    }

    [Fact]
    public void OtherConsistencyChecks()
    {
        Assert.Equal("configs/x.yaml:6: data.trg: the source and target suffixes are both 'fr'",
            Error(Minimal.Replace("trg: en", "trg: fr")));
        Assert.Equal("configs/x.yaml:8: training.epochs: training would never stop: set epochs, max_steps or max_minutes",
            Error(Minimal + "training:\n  epochs: 0\n"));
    }

    [Fact]
    public void ToYamlRoundTripsEveryKey()
    {
        var c = new Seq2SeqConfig
        {
            Name = "a name: with colon",
            ModelDir = "models/x y",
            Seed = 42,
            Device = DeviceChoice.Auto,
            Data = new DataConfig { Train = "t", Dev = "d", Test = "null", Src = "fr", Trg = "en", Lowercase = true },
            Model = new ModelConfig { Dropout = 0.1, Bidirectional = false },
            Training = new TrainingConfig { Betas = [0.85, 0.98], MinLr = 1e-7, LearningRate = 3e-4, MaxMinutes = 2.5 },
            Testing = new TestingConfig { Alpha = 0, BeamSize = 1 },
        };
        var yaml = ConfigLoader.ToYaml(c);
        var back = ConfigLoader.Parse(yaml, "config.yaml");
        Assert.Equal(c.Training.Betas, back.Training.Betas);
        Assert.Equal(c with { Training = c.Training with { Betas = back.Training.Betas } }, back);
        Assert.Contains("early_stopping_patience: 0\n", yaml);
        Assert.Contains("min_lr: 1.0e-07\n", yaml);
        Assert.Contains("  test: \"null\"\n", yaml);

        var noTest = c with { Data = c.Data with { Test = null } };
        var back2 = ConfigLoader.Parse(ConfigLoader.ToYaml(noTest), "config.yaml");
        Assert.Null(back2.Data.Test);
    }

    [Fact]
    public void KeepGreedyPathIsOffUnlessSetAndRoundTrips()
    {
        Assert.False(ConfigLoader.Parse(Minimal, "x.yaml").Testing.KeepGreedyPath);
        var c = ConfigLoader.Parse(Minimal + "testing:\n  keep_greedy_path: true\n", "x.yaml");
        Assert.True(c.Testing.KeepGreedyPath);
        var yaml = ConfigLoader.ToYaml(c);
        Assert.Contains("\n  keep_greedy_path: true\n", yaml);
        Assert.Equal(c.Testing, ConfigLoader.Parse(yaml, "config.yaml").Testing);
        Assert.Equal("configs/x.yaml:8: testing.keep_greedy_path: expected true or false, got 'maybe'",
            Error(Minimal + "testing:\n  keep_greedy_path: maybe\n"));
    }

    [Fact]
    public void ToYamlWritesEveryProperty()
    {
        var yaml = ConfigLoader.ToYaml(ConfigLoader.Parse(Minimal, "x.yaml"));
        var keys = yaml.Split('\n').Where(l => l.Contains(':') && !l.StartsWith('#')).Count();
        var expected = typeof(Seq2SeqConfig).Assembly.GetTypes()
            .Where(t => t.Namespace == "Seq2Seq.Config" && t.Name.EndsWith("Config") && !t.Name.StartsWith("LanguageModel") && !t.Name.StartsWith("Classifier"))
            .Sum(t => t.GetProperties().Count(p => p.Name != "EqualityContract" && p.CanWrite)); // computed ones (SourceLevel) are no keys
        Assert.Equal(expected, keys);
    }

    [Fact]
    public void SnakeCaseOfPropertyNames()
    {
        var yaml = ConfigLoader.ToYaml(new Seq2SeqConfig());
        Assert.Contains("\n  early_stopping_patience: 0\n", yaml);
        Assert.Contains("\n  max_bad_losses_in_a_row: 10\n", yaml);
        Assert.Contains("\nmodel_dir: \"\"\n", yaml);
    }

    [Fact]
    public void CheckFilesNamesTheMissingFileAndItsLine()
    {
        var dir = Directory.CreateTempSubdirectory("seq2seq-config-");
        try
        {
            var yamlPath = Path.Combine(dir.FullName, "x.yaml");
            File.WriteAllText(yamlPath, Minimal);
            var c = ConfigLoader.Load(yamlPath);
            var e = Assert.Throws<UserErrorException>(() => ConfigLoader.CheckFiles(c, yamlPath, dir.FullName));
            Assert.Equal($"{yamlPath}:3: data.train: no file data/sample/train.fr", e.Message);

            Directory.CreateDirectory(Path.Combine(dir.FullName, "data/sample"));
            foreach (var f in new[] { "train.fr", "train.en", "dev.fr" })
            {
                File.WriteAllText(Path.Combine(dir.FullName, "data/sample", f), "x\n");
            }
            e = Assert.Throws<UserErrorException>(() => ConfigLoader.CheckFiles(c, yamlPath, dir.FullName));
            Assert.Equal($"{yamlPath}:4: data.dev: no file data/sample/dev.en", e.Message);
            File.WriteAllText(Path.Combine(dir.FullName, "data/sample/dev.en"), "x\n");
            ConfigLoader.CheckFiles(c, yamlPath, dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadNamesAMissingConfigFile()
    {
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.Load("no/such/config.yaml"));
        Assert.StartsWith("no/such/config.yaml: cannot read config: ", e.Message);
    }
}
