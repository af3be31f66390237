using Seq2Seq.Classification;
using Seq2Seq.Config;
using Seq2Seq.Tests.Config;

namespace Seq2Seq.Tests.Classification;

/// <summary>The shipped classifier config and the sentiment corpus it points at.</summary>
public class SentimentConfigTests
{
    private static string ShippedConfig => Path.Combine(TestPaths.RepoRoot, "configs", "sentiment.yaml");

    [Fact]
    public void SentimentConfigLoadsStatesEveryKeyAndRoundTrips()
    {
        var config = ConfigLoader.LoadClassifier(ShippedConfig);
        Assert.Equal(YamlKeys.Of(ConfigLoader.ToYaml(new ClassifierConfig())), YamlKeys.Of(File.ReadAllText(ShippedConfig)));
        var back = ConfigLoader.ParseClassifier(ConfigLoader.ToYaml(config), "config.yaml");
        Assert.Equal(config.Training.Betas, back.Training.Betas);
        Assert.Equal(config with { Training = config.Training with { Betas = back.Training.Betas } }, back);
        Assert.Equal((EvalMetric.Accuracy, PoolingType.Attention), (config.Training.EvalMetric, config.Model.Pooling));
    }

    [Fact]
    public void TheCorpusHasThreeLabelsAlignedSplitsAndNoTestSentenceInTraining()
    {
        var config = ConfigLoader.LoadClassifier(ShippedConfig);
        var d = config.Data;
        var splits = new[] { d.Train, d.Dev, d.Test! }.Select(p => Path.Combine(TestPaths.RepoRoot, p))
            .Select(p => LabeledCorpus.Read($"{p}.{d.Text}", $"{p}.{d.Labels}", d.Lowercase)).ToArray();
        Assert.Equal([2500, 500, 1000], splits.Select(s => s.Count));
        Assert.All(splits, s => Assert.Equal(["negative", "neutral", "positive"], s.Labels.Distinct().Order()));
        var train = splits[0].Sentences.ToHashSet();
        Assert.DoesNotContain(splits[2].Sentences, train.Contains);
        Assert.Contains("i expected the", string.Join("\n", splits[2].Sentences));
    }
}
