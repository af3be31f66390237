using Seq2Seq.Inference;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Inference;

/// <summary>
/// The tiny reverse-and-translate model after a few steps only, loaded as a <see cref="Translator"/>: its next-token
/// distributions are still flat, so beam search with and without the greedy path gives different outputs for some
/// sentences (the trained tiny model gives the same ones).
/// </summary>
public sealed class BarelyTrainedModelFixture : IDisposable
{
    public string ModelDir { get; }

    public Translator Translator { get; }

    public BarelyTrainedModelFixture()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 4);
        new Trainer(config, new TrainOptions(), new Progress<TrainingEvent>()).Run();
        ModelDir = config.ModelDir;
        Translator = Translator.Load(ModelDir, "cpu");
    }

    public void Dispose() => Translator.Dispose();
}
