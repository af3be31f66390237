using Seq2Seq.Config;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Training;

[Collection(TorchCollection.Name)]
public class TrainerTests
{
    /// <summary>A tiny synthetic task (reverse and map words) written to a temp folder, and a small config for it.</summary>
    internal static Seq2SeqConfig TinySetup(string root, int maxSteps)
    {
        var rng = new Random(7);
        string[] words = ["lune", "soleil", "chat", "chien", "arbre", "maison", "rouge", "vert", "petit", "grand", "mer", "vent"];
        string[] english = ["moon", "sun", "cat", "dog", "tree", "house", "red", "green", "small", "big", "sea", "wind"];
        void Write(string split, int n)
        {
            var fr = new List<string>();
            var en = new List<string>();
            for (int i = 0; i < n; i++)
            {
                var idx = Enumerable.Range(0, rng.Next(2, 7)).Select(_ => rng.Next(words.Length)).ToArray();
                fr.Add(string.Join(' ', idx.Select(k => words[k])));
                en.Add(string.Join(' ', idx.Reverse().Select(k => english[k])));
            }
            File.WriteAllLines(Path.Combine(root, $"{split}.fr"), fr);
            File.WriteAllLines(Path.Combine(root, $"{split}.en"), en);
        }
        Write("train", 300);
        Write("dev", 20);
        return new Seq2SeqConfig
        {
            Name = "tiny",
            ModelDir = Path.Combine(root, "model"),
            Seed = 3,
            Threads = 1,
            Data = new DataConfig { Train = Path.Combine(root, "train"), Dev = Path.Combine(root, "dev"), Src = "fr", Trg = "en" },
            Subwords = new SubwordConfig { SrcVocabSize = 60, TrgVocabSize = 60, MinFrequency = 2 },
            Model = new ModelConfig { EmbeddingDim = 16, EncoderHidden = 16, DecoderHidden = 32, AttentionDim = 16, Dropout = 0.2 },
            Training = new TrainingConfig { BatchSize = 16, MaxSteps = maxSteps, Epochs = 0, LoggingFreq = 5, ValidationFreq = 20, LearningRate = 3e-3 },
            Testing = new TestingConfig { BeamSize = 1, BatchSize = 16 },
        };
    }

    private static List<StepReport> Train(Seq2SeqConfig config, TrainOptions options)
    {
        var reports = new List<TrainingEvent>();
        new Trainer(config, options, new ListProgress(reports)).Run();
        return reports.OfType<StepReport>().ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]   // two shards of every batch, forward and backward on two threads at once
    public void SameSeedGivesSameLosses(int threads)
    {
        string a = TestPaths.NewTempDir(), b = TestPaths.NewTempDir();
        var first = Train(TinySetup(a, 30) with { Threads = threads }, new TrainOptions());
        var second = Train(TinySetup(b, 30) with { Threads = threads }, new TrainOptions());
        Assert.Equal(6, first.Count);
        Assert.Equal(first.Select(r => r.Loss.ToString("F6")), second.Select(r => r.Loss.ToString("F6")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ResumeContinuesWithTheSameLossesAsAnUninterruptedRun(int threads)
    {
        string whole = TestPaths.NewTempDir(), split = TestPaths.NewTempDir();
        var uninterrupted = Train(TinySetup(whole, 45) with { Threads = threads }, new TrainOptions());
        Train(TinySetup(split, 20) with { Threads = threads }, new TrainOptions());
        Assert.True(File.Exists(Path.Combine(split, "model", "last.ckpt")));
        var resumed = Train(TinySetup(split, 45) with { Threads = threads }, new TrainOptions(Resume: true));
        Assert.Equal([25, 30, 35, 40, 45], resumed.Select(r => r.Step));
        Assert.Equal(uninterrupted.Where(r => r.Step > 20).Select(r => r.Loss.ToString("F6")), resumed.Select(r => r.Loss.ToString("F6")));
    }

    [Fact]
    public void TrainingLowersDevLossAndWritesTheModelDirectory()
    {
        string root = TestPaths.NewTempDir();
        var config = TinySetup(root, 60);
        var events = new List<TrainingEvent>();
        var result = new Trainer(config, new TrainOptions(), new ListProgress(events)).Run();
        var validations = events.OfType<ValidationReport>().ToList();
        Assert.Equal(3, validations.Count);
        Assert.True(validations[^1].Loss < validations[0].Loss, string.Join(", ", validations.Select(v => v.Loss)));
        foreach (var file in new[] { "config.yaml", "src.vocab.json", "src.merges.txt", "trg.vocab.json", "trg.merges.txt", "best.ckpt", "last.ckpt", "train.log", "metrics.tsv" })
            Assert.True(File.Exists(Path.Combine(config.ModelDir, file)), file);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(config.ModelDir, "metrics.tsv")).Length);
        Assert.Equal(60, result.Steps);
    }

    [Fact]
    public void RefusesToTrainIntoAModelDirectoryThatHoldsFiles()
    {
        string root = TestPaths.NewTempDir();
        var config = TinySetup(root, 5);
        Directory.CreateDirectory(config.ModelDir);
        File.WriteAllText(Path.Combine(config.ModelDir, "best.ckpt"), "precious");
        var e = Assert.Throws<UserErrorException>(() => new Trainer(config, new TrainOptions()).Run());
        Assert.Contains("--overwrite", e.Message);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(config.ModelDir, "best.ckpt")));
    }

    private sealed class ListProgress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
