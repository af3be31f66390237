using Seq2Seq.Inference;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Inference;

/// <summary>Trains the tiny reverse-and-translate model once per test class and loads it as a <see cref="Translator"/>.</summary>
public class TinyModelFixture : IDisposable
{
    public static readonly string[] Words = ["lune", "soleil", "chat", "chien", "arbre", "maison", "rouge", "vert", "petit", "grand", "mer", "vent"];

    public string ModelDir { get; }

    public Translator Translator { get; }

    public TinyModelFixture() : this(steps: 120) { }

    /// <summary>The tiny model trained for <paramref name="steps"/> steps.</summary>
    protected TinyModelFixture(int steps)
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, steps);
        new Trainer(config, new TrainOptions(), new Progress<TrainingEvent>()).Run();
        ModelDir = config.ModelDir;
        Translator = Translator.Load(ModelDir, "cpu");
    }

    /// <summary>Random sentences over the tiny vocabulary (1 to 9 words; longer than the training ones too).</summary>
    public static List<string> Sentences(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(1, 10)).Select(_ => Words[rng.Next(Words.Length)])))];
    }

    public void Dispose()
    {
        Translator.Dispose();
        GC.SuppressFinalize(this);
    }
}
