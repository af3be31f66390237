using Seq2Seq.Classification;
using Seq2Seq.Config;
using Seq2Seq.Training;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Classification;

[Collection(TorchCollection.Name)]
public class ClassifierTests
{
    private static List<TrainingEvent> Train(ClassifierConfig config, TrainOptions options)
    {
        var events = new List<TrainingEvent>();
        new ClassifierTrainer(config, options, new TinyClassification.ListProgress(events)).Run();
        return events;
    }

    [Theory]
    [InlineData(PoolingType.Attention)]
    [InlineData(PoolingType.Last)]
    [InlineData(PoolingType.Mean)]
    public void TrainingOnASeparableSetReachesFullAccuracy(PoolingType pooling)
    {
        string root = TestPaths.NewTempDir();
        var config = TinyClassification.Setup(root, maxSteps: 80, pooling);
        var events = Train(config, new TrainOptions());
        var validations = events.OfType<ClassificationValidationReport>().ToList();
        Assert.Equal([20, 40, 60, 80], validations.Select(v => v.Step));
        Assert.Equal(1.0, validations.Max(v => v.Accuracy));
        // The validations also reach TensorBoard, as translation's do.
        var accuracy = Observability.EventFileParser.ReadFolder(Path.Combine(config.ModelDir, "tensorboard"))
            .SelectMany(e => e.Values.Where(v => v.Tag == "dev/accuracy").Select(v => (e.Step, v.Scalar))).ToList();
        Assert.Equal(validations.Select(v => ((long)v.Step, (float?)v.Accuracy)), accuracy);
        using var classifier = Classifier.Load(config.ModelDir);
        Assert.Equal(["bright", "calm", "dark"], classifier.Labels);
        var corpus = LabeledCorpus.Read(Path.Combine(root, "dev.txt"), Path.Combine(root, "dev.labels"), lowercase: false);
        var scores = classifier.Score(corpus, Path.Combine(root, "dev.labels"));
        Assert.Equal(1.0, scores.Accuracy);
        Assert.Equal(1.0, scores.MacroF1);
        Assert.Equal(40, scores.Count);
        Assert.Equal(["sunny", "day"], classifier.Predict(["sunny day"])[0].Tokens);
        Assert.Equal("dark", classifier.Predict(["we walked home and it was grey"])[0].Label);
    }

    [Fact]
    public void PredictionsOfABatchEqualThoseOfEachSentenceAlone()
    {
        string root = TestPaths.NewTempDir();
        var config = TinyClassification.Setup(root, maxSteps: 20);
        Train(config, new TrainOptions());
        using var classifier = Classifier.Load(config.ModelDir);
        string[] sentences = ["sunny", "the day was rainy and then we walked home slowly", "a grey day", "we walked", "golden home was the day and then"];
        var together = classifier.Predict(sentences);
        for (int i = 0; i < sentences.Length; i++)
        {
            var alone = classifier.Predict([sentences[i]])[0];
            Assert.Equal(alone.Label, together[i].Label);
            for (int k = 0; k < alone.Probabilities.Count; k++) Assert.Equal(alone.Probabilities[k], together[i].Probabilities[k], 1e-5f);
            Assert.Equal(alone.Weights!.Count, together[i].Weights!.Count);
            for (int k = 0; k < alone.Weights.Count; k++) Assert.Equal(alone.Weights[k], together[i].Weights![k], 1e-5f);
        }
    }

    [Fact]
    public void AttentionPoolingWeightsSumToOneOverTheWordsAndPaddingGetsNone()
    {
        random.manual_seed(11);
        using var model = new SentenceClassifier(new ClassifierModelConfig { EmbeddingDim = 8, EncoderHidden = 8, AttentionDim = 8 }, vocabSize: 20, labels: 3);
        model.eval();
        using var scope = NewDisposeScope();
        long[] lengths = [5, 2, 1, 4];
        var src = tensor(new long[] { 5, 6, 7, 8, 9, 4, 5, 0, 0, 0, 7, 0, 0, 0, 0, 9, 8, 7, 6, 0 }, [4, 5]);   // (B, S), 0 = padding
        var (logits, weights) = model.ForwardWithWeights(src, tensor(lengths));
        Assert.Equal([4L, 3L], logits.shape);
        Assert.Equal([4L, 5L], weights!.shape);
        for (int b = 0; b < lengths.Length; b++)
        {
            var row = weights[b].data<float>().ToArray();
            Assert.Equal(1.0, row.Take((int)lengths[b]).Sum(), 5);
            Assert.All(row.Take((int)lengths[b]), w => Assert.True(w > 0));
            Assert.All(row.Skip((int)lengths[b]), w => Assert.Equal(0f, w));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]   // two shards of every batch on two threads
    public void ResumeRepeatsTheUninterruptedRun(int threads)
    {
        string whole = TestPaths.NewTempDir(), split = TestPaths.NewTempDir();
        var uninterrupted = Train(TinyClassification.Setup(whole, 60, threads: threads), new TrainOptions());
        Train(TinyClassification.Setup(split, 20, threads: threads), new TrainOptions());
        var resumed = Train(TinyClassification.Setup(split, 60, threads: threads), new TrainOptions(Resume: true));
        static IEnumerable<string> Losses(IEnumerable<TrainingEvent> events, int after) =>
            events.OfType<StepReport>().Where(r => r.Step > after).Select(r => $"{r.Step} {r.Loss:F6}");
        Assert.Equal(["25 ", "30 ", "35 ", "40 ", "45 ", "50 ", "55 ", "60 "], Losses(resumed, 0).Select(l => l[..3]));
        Assert.Equal(Losses(uninterrupted, 20), Losses(resumed, 0));
        static IEnumerable<string> Validations(IEnumerable<TrainingEvent> events) =>
            events.OfType<ClassificationValidationReport>().Where(v => v.Step > 20).Select(v => $"{v.Step} {v.Loss:F6} {v.Accuracy}");
        Assert.Equal(Validations(uninterrupted), Validations(resumed));
        // The metrics files agree row for row (the resumed run appends to the rows of its first part).
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "model", "metrics.tsv")), File.ReadAllLines(Path.Combine(split, "model", "metrics.tsv")));
    }

    [Fact]
    public void ScoresCountTheConfusionMatrixAndMacroF1()
    {
        // gold:      a a a b b c
        // predicted: a a b b c c
        var s = ClassificationScores.Compute([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ["a", "b", "c"]);
        Assert.Equal(4.0 / 6, s.Accuracy, 12);
        Assert.Equal(2, s.Confusion[0, 0]);
        Assert.Equal(1, s.Confusion[0, 1]);
        Assert.Equal(1, s.Confusion[1, 2]);
        // F1: a = 2·2/(2+3) = 0.8; b = 2·1/(2+2) = 0.5; c = 2·1/(2+1) = 2/3.
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, s.MacroF1, 12);
        Assert.StartsWith("accuracy 66.67% (4 of 6)  macro-F1 65.56", s.Format());
    }
}
