using Seq2Seq.Config;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Classification;

/// <summary>A tiny, linearly separable classification task written to a temp folder, and a small classifier config for it.</summary>
internal static class TinyClassification
{
    /// <summary>
    /// Sentences of filler words with one cue word: a "sun" word makes the label bright, a "rain" word dark, neither
    /// calm. Train and dev are drawn alike.
    /// </summary>
    public static ClassifierConfig Setup(string root, int maxSteps, PoolingType pooling = PoolingType.Attention, int threads = 1)
    {
        var rng = new Random(5);
        string[] filler = ["the", "a", "day", "was", "and", "then", "we", "walked", "home", "slowly"];
        (string Cue, string Label)[] cues = [("sunny", "bright"), ("golden", "bright"), ("rainy", "dark"), ("grey", "dark"), ("", "calm")];
        void Write(string split, int n)
        {
            var text = new List<string>();
            var labels = new List<string>();
            for (int i = 0; i < n; i++)
            {
                var (cue, label) = cues[rng.Next(cues.Length)];
                var words = Enumerable.Range(0, rng.Next(2, 8)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
                if (cue.Length > 0) words.Insert(rng.Next(words.Count + 1), cue);
                text.Add(string.Join(' ', words));
                labels.Add(label);
            }
            File.WriteAllLines(Path.Combine(root, $"{split}.txt"), text);
            File.WriteAllLines(Path.Combine(root, $"{split}.labels"), labels);
        }
        Write("train", 200);
        Write("dev", 40);
        return new ClassifierConfig
        {
            Name = "tiny",
            ModelDir = Path.Combine(root, "model"),
            Seed = 3,
            Threads = threads,
            Data = new ClassifierDataConfig { Train = Path.Combine(root, "train"), Dev = Path.Combine(root, "dev"), Test = Path.Combine(root, "dev") },
            Model = new ClassifierModelConfig { EmbeddingDim = 16, EncoderHidden = 16, AttentionDim = 16, Pooling = pooling, Dropout = 0.1 },
            Training = new TrainingConfig
            {
                BatchSize = 16,
                MaxSteps = maxSteps,
                Epochs = 0,
                LoggingFreq = 5,
                ValidationFreq = 20,
                LearningRate = 1e-2,
                LabelSmoothing = 0,
                EvalMetric = EvalMetric.Accuracy,
            },
        };
    }

    public sealed class ListProgress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
