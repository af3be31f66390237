using Seq2Seq.Inference;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Inference;

/// <summary>
/// Two tiny reverse-and-translate models, trained a few steps on the same corpus from different seeds: the same target
/// vocabulary, different weights, and different source vocabularies (the second learns fewer source subwords).
/// </summary>
public sealed class EnsembleFixture : IDisposable
{
    public string First { get; }

    public string Second { get; }

    public Translator A { get; }

    public Translator B { get; }

    public EnsembleFixture()
    {
        var first = TrainerTests.TinySetup(TestPaths.NewTempDir(), 40);
        var baseline = TrainerTests.TinySetup(TestPaths.NewTempDir(), 40);
        var second = baseline with { Seed = 11, Subwords = baseline.Subwords with { SrcVocabSize = 45 } };
        foreach (var config in new[] { first, second }) new Trainer(config, new TrainOptions(), new Progress<TrainingEvent>()).Run();
        (First, Second) = (first.ModelDir, second.ModelDir);
        A = Translator.Load(First, "cpu");
        B = Translator.Load(Second, "cpu");
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
