using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Training;

[Collection(TorchCollection.Name)]
public class ExponentialMovingAverageTests
{
    /// <summary>The tiny translation task on two worker threads (the update and the average split between them).</summary>
    private static Seq2SeqConfig Setup(string root, int maxSteps, double emaDecay, int validationFreq = 20, int saveFreq = 0, double emaWarmup = 9)
    {
        var c = TrainerTests.TinySetup(root, maxSteps);
        return c with
        {
            Threads = 2,
            Training = c.Training with { EmaDecay = emaDecay, EmaWarmup = emaWarmup, ValidationFreq = validationFreq, SaveFreq = saveFreq, KeepLastCkpts = 20, LoggingFreq = 1 },
        };
    }

    private static List<TrainingEvent> Train(Seq2SeqConfig config, TrainOptions? options = null)
    {
        var events = new List<TrainingEvent>();
        new Trainer(config, options ?? new TrainOptions(), new ListProgress(events)).Run();
        return events;
    }

    /// <summary>A model of the trained directory's shape and vocabularies (its weights as the seed initialises them).</summary>
    private static Seq2SeqModel NewModel(Seq2SeqConfig config)
    {
        var (src, trg) = new ModelDirectory(config.ModelDir).LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel);
        return new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
    }

    /// <summary>The weights of a checkpoint, as float64 arrays in the model's parameter order.</summary>
    private static double[][] Weights(Seq2SeqConfig config, string checkpoint)
    {
        using var model = NewModel(config);
        Checkpoint.Load(checkpoint, model);
        return Values(model.parameters());
    }

    /// <summary>The live weights and the moving averages that <c>last.ckpt</c> holds (null averages: the file holds none).</summary>
    private static (double[][] Live, double[][]? Averages) LastCheckpoint(Seq2SeqConfig config)
    {
        using var model = NewModel(config);
        using var optimizer = optim.Adam(model.parameters());
        var average = new ExponentialMovingAverage(optimizer, 0.5, warmup: 9);
        var (_, loaded) = Checkpoint.Load(new ModelDirectory(config.ModelDir).LastCheckpoint, model, optimizer, average.Averages);
        return (Values(model.parameters()), loaded ? Values(average.Averages) : null);
    }

    private static double[][] Values(IEnumerable<Tensor> tensors) =>
        [.. tensors.Select(t => t.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray())];

    /// <summary>The bytes of a checkpoint after its header (weights, optimiser state, averages): what a run computed.</summary>
    private static byte[] Tensors(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        reader.ReadString();                                                     // magic
        reader.ReadString();                                                     // training state (holds the run's wall time)
        reader.ReadBoolean();
        return reader.ReadBytes((int)(reader.BaseStream.Length - reader.BaseStream.Position));
    }

    private static double MaxDifference(double[][] a, double[][] b) => a.Zip(b).Max(p => p.First.Zip(p.Second).Max(x => Math.Abs(x.First - x.Second)));

    /// <summary>
    /// Six real steps on two worker threads: the averages in last.ckpt equal the formula applied to the initial
    /// weights and the live weights after each step (saved every step), with the decay d = min(ema_decay,
    /// n / (n + ema_warmup)) at step n (with ema_decay 0.3 and the default warm-up 9, the cap is reached at step 4;
    /// with 0.8 and 1, at step 4 too, after decays of 1/2, 2/3 and 3/4); and best.ckpt holds the averages, not the live weights.
    /// </summary>
    [Theory]
    [InlineData(0.3, 9.0)]
    [InlineData(0.8, 1.0)]
    public void AverageFollowsTheLiveWeightsStepByStepAndIsWhatBestHolds(double decay, double warmup)
    {
        string root = TestPaths.NewTempDir();
        var config = Setup(root, 6, emaDecay: decay, saveFreq: 1, emaWarmup: warmup);
        Train(config);
        var dir = new ModelDirectory(config.ModelDir);
        double[][] expected;
        random.manual_seed(config.Seed);                                         // the initial weights, as the trainer draws them
        using (var initial = NewModel(config)) expected = Values(initial.parameters());
        for (int n = 1; n <= 6; n++)
        {
            double d = Math.Min(decay, n / (n + warmup));
            var live = Weights(config, dir.PeriodicCheckpointAt(n));
            for (int i = 0; i < expected.Length; i++)
                for (int j = 0; j < expected[i].Length; j++) expected[i][j] = d * expected[i][j] + (1 - d) * live[i][j];
        }
        var (lastLive, averages) = LastCheckpoint(config);
        Assert.NotNull(averages);
        Assert.True(MaxDifference(expected, averages) < 1e-6, $"max difference {MaxDifference(expected, averages)}");
        Assert.Equal(0, MaxDifference(lastLive, Weights(config, dir.PeriodicCheckpointAt(6))));   // validation gave the live weights back
        Assert.True(MaxDifference(lastLive, averages) > 1e-3);
        Assert.Equal(0, MaxDifference(averages, Weights(config, dir.BestCheckpoint)));
    }

    /// <summary>The dev loss and BLEU that validation reports are those of the averaged weights (best.ckpt), not of the live ones.</summary>
    [Fact]
    public void ValidationScoresTheAveragedWeights()
    {
        string root = TestPaths.NewTempDir();
        var config = Setup(root, 10, emaDecay: 0.9, validationFreq: 10);
        var validation = Assert.Single(Train(config).OfType<ValidationReport>());
        var dir = new ModelDirectory(config.ModelDir);
        var (src, trg) = dir.LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel);
        var dev = ParallelCorpus.Read(config.Data.Dev, config.Data.Src, config.Data.Trg, config.Data.Lowercase);
        using var workers = new WorkerThreads(2);
        var validator = new Validator(dev.Encode(src, trg, maxLength: 0), dev, trg, CPU, config.Testing, workers, fastPaths: true);
        DevScores Score(string checkpoint)
        {
            using var model = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
            Checkpoint.Load(checkpoint, model);
            return validator.Evaluate(model);
        }
        var best = Score(dir.BestCheckpoint);
        var live = Score(dir.LastCheckpoint);
        Assert.Equal(validation.Loss, best.Loss, 1e-5);
        Assert.Equal(validation.Bleu, best.Bleu, 1e-9);
        Assert.True(Math.Abs(live.Loss - best.Loss) > 1e-3, $"live {live.Loss}, averaged {best.Loss}");
    }

    /// <summary>
    /// A run stopped at step 5 and resumed to 10 ends with the same live weights, optimiser state and averages, to the
    /// byte, as a run of 10 steps; and the best checkpoint too.
    /// </summary>
    [Fact]
    public void ResumeContinuesTheAverageExactly()
    {
        string whole = TestPaths.NewTempDir(), split = TestPaths.NewTempDir();
        var uninterrupted = Setup(whole, 10, emaDecay: 0.8, validationFreq: 5);
        Train(uninterrupted);
        Train(Setup(split, 5, emaDecay: 0.8, validationFreq: 5));
        var resumed = Setup(split, 10, emaDecay: 0.8, validationFreq: 5);
        Train(resumed, new TrainOptions(Resume: true));
        var (a, b) = (new ModelDirectory(uninterrupted.ModelDir), new ModelDirectory(resumed.ModelDir));
        Assert.NotNull(LastCheckpoint(resumed).Averages);
        Assert.Equal(Tensors(a.LastCheckpoint), Tensors(b.LastCheckpoint));
        Assert.Equal(Tensors(a.BestCheckpoint), Tensors(b.BestCheckpoint));
    }

    /// <summary>
    /// A last.ckpt written without averages, resumed with ema_decay set, starts the average from the resumed weights
    /// (and says so in train.log): two steps later it is the formula applied to those and the two new live weights.
    /// </summary>
    [Fact]
    public void ResumingACheckpointWithoutAveragesStartsThemFromItsWeights()
    {
        string root = TestPaths.NewTempDir();
        Train(Setup(root, 5, emaDecay: 0));
        var config = Setup(root, 7, emaDecay: 0.5, saveFreq: 1);
        var (expected, none) = LastCheckpoint(config);
        Assert.Null(none);
        Train(config, new TrainOptions(Resume: true));
        Assert.Contains("holds no moving average of the weights", File.ReadAllText(new ModelDirectory(config.ModelDir).TrainLog));
        var dir = new ModelDirectory(config.ModelDir);
        foreach (int n in new[] { 6, 7 })
        {
            double d = Math.Min(0.5, n / (n + 9.0));
            var live = Weights(config, dir.PeriodicCheckpointAt(n));
            for (int i = 0; i < expected.Length; i++)
                for (int j = 0; j < expected[i].Length; j++) expected[i][j] = d * expected[i][j] + (1 - d) * live[i][j];
        }
        var (_, averages) = LastCheckpoint(config);
        Assert.NotNull(averages);
        Assert.True(MaxDifference(expected, averages) < 1e-6, $"max difference {MaxDifference(expected, averages)}");
    }

    /// <summary>
    /// ema_decay 0 trains exactly as before: the same losses and live weights as a run that keeps an average (which
    /// never touches the live weights), and last.ckpt in the old layout, which the averaged run's extends.
    /// </summary>
    [Fact]
    public void AverageOffLeavesTrainingAndCheckpointsAsBefore()
    {
        string off = TestPaths.NewTempDir(), on = TestPaths.NewTempDir();
        var (offConfig, onConfig) = (Setup(off, 8, emaDecay: 0), Setup(on, 8, emaDecay: 0.9, validationFreq: 100));
        offConfig = offConfig with { Training = offConfig.Training with { ValidationFreq = 100 } };
        var offLosses = Train(offConfig).OfType<StepReport>().Select(r => r.Loss).ToList();
        var onLosses = Train(onConfig).OfType<StepReport>().Select(r => r.Loss).ToList();
        Assert.Equal(8, offLosses.Count);
        Assert.Equal(offLosses, onLosses);
        byte[] offBytes = Tensors(new ModelDirectory(offConfig.ModelDir).LastCheckpoint), onBytes = Tensors(new ModelDirectory(onConfig.ModelDir).LastCheckpoint);
        Assert.True(onBytes.Length > offBytes.Length);
        Assert.Equal(offBytes, onBytes[..offBytes.Length]);
        Assert.Null(LastCheckpoint(offConfig).Averages);
    }

    /// <summary>
    /// The update moves the average slice by slice on two workers (slices of 333 elements that cut across tensors, and a
    /// tensor without a gradient every other step, which the step leaves alone but the average still moves towards): the averages equal the whole-tensor formula towards the
    /// stepped weights, step after step, through the warm-up and after it.
    /// </summary>
    [Fact]
    public void AverageMovedInSlicesOnTheWorkersEqualsTheWholeTensorFormula()
    {
        using var scope = NewDisposeScope();
        using var workers = new WorkerThreads(2);
        var generator = new Generator(4);
        var parameters = new long[][] { [60, 40], [60], [90, 60], [50, 7] }.Select(shape => new Parameter(randn(shape, generator: generator))).ToList();
        using var adam = optim.Adam(parameters, lr: 0.01);
        var average = new ExponentialMovingAverage(adam, 0.6, warmup: 9);
        var expected = parameters.Select(p => p.detach().to(ScalarType.Float64)).ToList();
        for (int step = 0; step < 8; step++)
        {
            for (int i = 0; i < parameters.Count; i++)
                parameters[i].grad = i < 3 || step % 2 == 0 ? randn(parameters[i].shape, generator: generator) : null; // the last one every other step
            ClippedAdam.Step(adam, 0.5, workers, sliceElements: 333, average: average, stepsBefore: step);
            double d = Math.Min(0.6, (step + 1) / (step + 10.0));
            for (int i = 0; i < parameters.Count; i++)
            {
                expected[i] = d * expected[i] + (1 - d) * parameters[i].detach().to(ScalarType.Float64);
                double difference = (expected[i] - average.Averages[i].to(ScalarType.Float64)).abs().max().item<double>();
                Assert.True(difference < 1e-6, $"step {step + 1}, tensor {i}: max difference {difference}");
            }
        }
    }

    /// <summary>The classifier's trainer shares the loop: its best.ckpt holds the averaged weights, its last.ckpt both.</summary>
    [Fact]
    public void ClassifierTrainingKeepsTheAverageToo()
    {
        string root = TestPaths.NewTempDir();
        var config = Tests.Classification.TinyClassification.Setup(root, maxSteps: 20, threads: 2);
        config = config with { Training = config.Training with { EmaDecay = 0.9 } };
        new Seq2Seq.Classification.ClassifierTrainer(config, new TrainOptions()).Run();
        var dir = new ModelDirectory(config.ModelDir);
        var tokenizer = Seq2Seq.Text.TextTokenizer.Load(config.Data.Tokens, dir.Path, ModelDirectory.SourcePrefix);
        int labels = Seq2Seq.Classification.LabelSet.Load(dir.LabelsFile).Count;
        using var model = new Seq2Seq.Classification.SentenceClassifier(config.Model, tokenizer.VocabSize, labels);
        using var optimizer = optim.Adam(model.parameters());
        var average = new ExponentialMovingAverage(optimizer, 0.5, warmup: 9);
        Assert.True(Checkpoint.Load(dir.LastCheckpoint, model, optimizer, average.Averages).AveragesLoaded);
        var (live, averages) = (Values(model.parameters()), Values(average.Averages));
        Checkpoint.Load(dir.BestCheckpoint, model);
        Assert.Equal(0, MaxDifference(averages, Values(model.parameters())));
        Assert.True(MaxDifference(averages, live) > 1e-4);
    }

    [Fact]
    public void ConfigKeyIsCheckedAndRoundTrips()
    {
        const string minimal = "model_dir: models/x\ndata:\n  train: t\n  dev: d\n  src: fr\n  trg: en\n";
        string Error(string yaml) => Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml, "configs/x.yaml")).Message;
        Assert.Equal("configs/x.yaml:8: training.ema_decay: must be in [0, 1), got 1.0", Error(minimal + "training:\n  ema_decay: 1\n"));
        Assert.Equal("configs/x.yaml:8: training.ema_decay: must be in [0, 1), got -0.1", Error(minimal + "training:\n  ema_decay: -0.1\n"));
        Assert.Equal(0, ConfigLoader.Parse(minimal, "x.yaml").Training.EmaDecay);
        Assert.Equal(ConfigLoader.ToYaml(ConfigLoader.Parse(minimal, "x.yaml")), ConfigLoader.ToYaml(ConfigLoader.Parse(minimal + "training:\n  ema_decay: 0\n", "x.yaml")));
        var config = ConfigLoader.Parse(minimal + "training:\n  ema_decay: 0.9995\n", "x.yaml");
        var yaml = ConfigLoader.ToYaml(config);
        Assert.Contains("\n  ema_decay: 0.9995", yaml);
        Assert.Equal(0.9995, ConfigLoader.Parse(yaml, "config.yaml").Training.EmaDecay);
        Assert.Equal("configs/x.yaml:8: training.ema_warmup: must be positive, got 0.0", Error(minimal + "training:\n  ema_warmup: 0\n"));
        Assert.Equal(9, ConfigLoader.Parse(minimal, "x.yaml").Training.EmaWarmup);
        var warmup = ConfigLoader.Parse(ConfigLoader.ToYaml(ConfigLoader.Parse(minimal + "training:\n  ema_warmup: 3\n", "x.yaml")), "config.yaml");
        Assert.Equal(3, warmup.Training.EmaWarmup);
    }

    private sealed class ListProgress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
