using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Inference;

/// <summary>
/// The tiny reverse-and-translate task of <see cref="TinyModelFixture"/>, trained until it answers: more steps, and
/// the best checkpoint chosen by dev loss (the tiny model's greedy BLEU stays 0 for a long time, so BLEU would keep
/// the first checkpoint, which only says EOS). Chat and attention tests need outputs and attention with some shape.
/// </summary>
public sealed class AnsweringModelFixture : IDisposable
{
    public string ModelDir { get; }

    public Translator Translator { get; }

    public AnsweringModelFixture()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 300);
        config = config with { Training = config.Training with { EvalMetric = EvalMetric.Loss, ValidationFreq = 50 } };
        new Trainer(config, new TrainOptions(), new Progress<TrainingEvent>()).Run();
        ModelDir = config.ModelDir;
        Translator = Translator.Load(ModelDir, "cpu");
    }

    public void Dispose() => Translator.Dispose();
}
