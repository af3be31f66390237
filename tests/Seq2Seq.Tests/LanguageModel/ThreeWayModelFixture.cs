using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.LanguageModel;

/// <summary>
/// A character language model trained on a text where 'a' is followed by 'b', 'c' or 'd' (60, 30 and 10 %), loaded
/// as a <see cref="CharSampler"/>.
/// </summary>
public sealed class ThreeWayModelFixture : IDisposable
{
    public ThreeWayModelFixture()
    {
        var rng = new Random(11);
        string text = string.Concat(Enumerable.Range(0, 1000).Select(_ => rng.NextDouble() switch { < 0.6 => "ab", < 0.9 => "ac", _ => "ad" }));
        Config = TruncatedBackpropagationTests.Setup(text, new LanguageModelNetworkConfig { Hidden = 16, EmbeddingDim = 8 },
            new LanguageModelTrainingConfig { SeqLength = 25, BatchSize = 8, LearningRate = 0.01, MaxSteps = 150, SampleLength = 0 });
        new CharLanguageModelTrainer(Config, new LanguageModelTrainOptions()).Run();
        Sampler = CharSampler.Load(Config.ModelDir);
    }

    public LanguageModelConfig Config { get; }

    public CharSampler Sampler { get; }

    public void Dispose() => Sampler.Dispose();
}
