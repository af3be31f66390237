using Seq2Seq.Config;

namespace Seq2Seq.Tests.Config;

public class ShippedConfigTests
{
    public static TheoryData<string> ConfigFiles()
    {
        var data = new TheoryData<string>();
        // *_lm.yaml are character language model configs, another schema (LanguageModelConfigTests); so is the
        // classifier's sentiment.yaml (SentimentConfigTests).
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "configs"), "*.yaml")
            .Where(f => !f.EndsWith("_lm.yaml", StringComparison.Ordinal) && Path.GetFileName(f) != "sentiment.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void TheThreeConfigsAreShipped()
    {
        var names = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "configs"), "*.yaml").Select(Path.GetFileName).ToList();
        Assert.Contains("sample.yaml", names);
        Assert.Contains("multi30k_fr_en.yaml", names);
        Assert.Contains("multi30k_en_fr.yaml", names);
    }

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void ShippedConfigLoadsAndStatesEveryKey(string name)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "configs", name);
        var config = ConfigLoader.Load(path);
        Assert.Equal(YamlKeys.Of(ConfigLoader.ToYaml(new Seq2SeqConfig())), YamlKeys.Of(File.ReadAllText(path)));
        var back = ConfigLoader.Parse(ConfigLoader.ToYaml(config), "config.yaml");
        Assert.Equal(config.Training.Betas, back.Training.Betas);
        Assert.Equal(config with { Training = config.Training with { Betas = back.Training.Betas } }, back);
    }

    [Fact]
    public void SampleConfigPointsAtTheShippedCorpus()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "configs", "sample.yaml");
        var config = ConfigLoader.Load(path);
        ConfigLoader.CheckFiles(config, path, TestPaths.RepoRoot);
        Assert.Equal("data/sample/train", config.Data.Train);
    }

    [Fact]
    public void RecipeConfigsTrainTheReferenceModelForThirtyMinutesWithTokenBatchesAndAMovingAverage()
    {
        foreach (var (src, trg) in new[] { ("fr", "en"), ("en", "fr") })
        {
            var plain = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", $"multi30k_{src}_{trg}.yaml"));
            var recipe = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", $"multi30k_{src}_{trg}_best.yaml"));
            Assert.Equal(plain.Data, recipe.Data);
            // fr→en's recipe halves both vocabularies (a cheaper output layer buys more steps in its 30 minutes).
            var vocabulary = src == "fr" ? 4000 : 8000;
            Assert.Equal(plain.Subwords with { SrcVocabSize = vocabulary, TrgVocabSize = vocabulary }, recipe.Subwords);
            Assert.Equal(plain.Model, recipe.Model);
            Assert.Equal(plain.Testing, recipe.Testing);
            Assert.Equal($"models/multi30k_{src}_{trg}_best", recipe.ModelDir);
            var expected = plain.Training with
            {
                BatchSize = 1200,
                BatchType = BatchType.Tokens,
                Epochs = 0,
                MaxMinutes = 30,
                ValidationFreq = 300,
                EmaDecay = 0.999,
            };
            Assert.Equal(expected with { Betas = recipe.Training.Betas }, recipe.Training);
        }
    }

    [Fact]
    public void Multi30kConfigsUseTheReferenceHyperParameters()
    {
        foreach (var (name, src, trg) in new[] { ("multi30k_fr_en.yaml", "fr", "en"), ("multi30k_en_fr.yaml", "en", "fr") })
        {
            var c = ConfigLoader.Load(Path.Combine(TestPaths.RepoRoot, "configs", name));
            Assert.Equal((src, trg), (c.Data.Src, c.Data.Trg));
            Assert.Equal("data/multi30k/train", c.Data.Train);
            Assert.Equal(new ModelConfig(), c.Model);
            Assert.Equal((8000, 8000), (c.Subwords.SrcVocabSize, c.Subwords.TrgVocabSize));
            Assert.Equal((0.001, 1.0, 0.1, 64, BatchType.Sentences, 50, EvalMetric.Bleu),
                (c.Training.LearningRate, c.Training.ClipGradNorm, c.Training.LabelSmoothing, c.Training.BatchSize,
                 c.Training.BatchType, c.Data.MaxLength, c.Training.EvalMetric));
            Assert.Equal(new TestingConfig(), c.Testing);
        }
    }
}
