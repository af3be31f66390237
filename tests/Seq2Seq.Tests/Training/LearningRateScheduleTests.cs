using Seq2Seq.Config;
using Seq2Seq.ModelStore;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Training;

/// <summary>Linear and cosine decay over the training budget, warm-up, and their use by a real training run.</summary>
[Collection(TorchCollection.Name)]
public class LearningRateScheduleTests
{
    private static readonly TrainingConfig Cosine = new() { Scheduling = SchedulingType.Cosine, LearningRate = 1.0, MinLr = 0.2, MaxSteps = 100, Epochs = 0 };

    [Fact]
    public void LinearAndCosineFallFromTheLearningRateToMinLrOverTheBudget()
    {
        var linear = Cosine with { Scheduling = SchedulingType.Linear };
        var state = new TrainingState { Step = 50, LearningRate = 123 };      // the state's rate matters under plateau only
        Assert.Equal([1.0, 0.8, 0.6, 0.2], new[] { 0, 0.25, 0.5, 1 }.Select(f => Math.Round(LearningRateSchedule.Rate(linear, state, f), 12)));
        // cosine: 0.2 + 0.8 * (1 + cos(pi f)) / 2
        Assert.Equal([1.0, 0.2 + 0.4 * (1 + Math.Sqrt(0.5)), 0.6, 0.2],
            new[] { 0, 0.25, 0.5, 1 }.Select(f => Math.Round(LearningRateSchedule.Rate(Cosine, state, f), 12)).ToArray(),
            (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(123, LearningRateSchedule.Rate(new TrainingConfig(), state, 0.5));
    }

    [Fact]
    public void WithDecayStartTheRateHoldsUntilThatShareOfTheBudgetThenFallsOverTheRest()
    {
        var linear = Cosine with { Scheduling = SchedulingType.Linear, DecayStart = 0.8 };
        var state = new TrainingState();
        Assert.Equal([1.0, 1.0, 1.0, 0.6, 0.2], new[] { 0, 0.5, 0.8, 0.9, 1 }.Select(f => Math.Round(LearningRateSchedule.Rate(linear, state, f), 12)));
        Assert.Equal(0.6, LearningRateSchedule.Rate(Cosine with { DecayStart = 0.5 }, state, 0.75), 12);
    }

    [Fact]
    public void WarmUpRaisesTheRateLinearlyOverTheFirstSteps()
    {
        var plateau = new TrainingConfig { WarmupSteps = 4 };
        double[] rates = [.. Enumerable.Range(0, 6).Select(done => LearningRateSchedule.Rate(plateau, new TrainingState { Step = done, LearningRate = 2 }, 0))];
        Assert.Equal([0.5, 1.0, 1.5, 2.0, 2.0, 2.0], rates);
        // under cosine the warm-up multiplies the decayed rate
        double at = LearningRateSchedule.Rate(Cosine with { WarmupSteps = 10 }, new TrainingState { Step = 4 }, 0.5);
        Assert.Equal(0.6 * 5 / 10, at, 12);
    }

    [Fact]
    public void TheBudgetUsedIsTheLargestShareOfTheLimits()
    {
        var t = new TrainingConfig { MaxSteps = 100, Epochs = 4, MaxMinutes = 10 };
        var state = new TrainingState { Step = 10, Epoch = 2 };                 // epoch 2 of 4, half done: 37.5%
        Assert.Equal(0.375, LearningRateSchedule.BudgetUsed(t, state, 5, 10, elapsedSeconds: 60));
        Assert.Equal(0.5, LearningRateSchedule.BudgetUsed(t, state, 5, 10, elapsedSeconds: 300));
        Assert.Equal(1, LearningRateSchedule.BudgetUsed(t with { MaxSteps = 5 }, state, 5, 10, 0));
        Assert.Equal(0.1, LearningRateSchedule.BudgetUsed(t with { Epochs = 0, MaxMinutes = 0 }, state, 5, 10, 0));
    }

    [Fact]
    public void TrainingFollowsTheCosineCurveAndEndsAtMinLr()
    {
        var config = Tiny(TestPaths.NewTempDir(), SchedulingType.Cosine, warmup: 10);
        var t = config.Training;
        var steps = Train(config).OfType<StepReport>().ToList();
        Assert.Equal([5, 10, 15, 20, 25, 30, 35, 40], steps.Select(r => r.Step));
        foreach (var r in steps)
        {
            double used = (r.Step - 1) / 40.0;                                    // the rate of step s is set after s - 1 steps
            double expected = (t.MinLr + (t.LearningRate - t.MinLr) * 0.5 * (1 + Math.Cos(Math.PI * used))) * Math.Min(1, r.Step / 10.0);
            Assert.Equal(expected, r.LearningRate, 12);
        }
        Assert.True(steps[^1].LearningRate < 0.01 * t.LearningRate);
        var metrics = File.ReadAllLines(Path.Combine(config.ModelDir, "metrics.tsv"));
        Assert.Equal(steps[^1].LearningRate, double.Parse(metrics[^1].Split('\t')[2], System.Globalization.CultureInfo.InvariantCulture), 6);
    }

    [Theory]
    [InlineData(SchedulingType.Linear)]
    [InlineData(SchedulingType.Cosine)]
    public void AnInterruptedRunResumedOnTheSameConfigContinuesTheSameCurve(SchedulingType scheduling)
    {
        string whole = TestPaths.NewTempDir(), split = TestPaths.NewTempDir();
        var uninterrupted = Train(Tiny(whole, scheduling, warmup: 4)).OfType<StepReport>().ToList();
        using (var cancel = new CancellationTokenSource())
        {
            Train(Tiny(split, scheduling, warmup: 4), stopAfter: 20, cancel);
        }
        var resumed = Train(Tiny(split, scheduling, warmup: 4), resume: true).OfType<StepReport>().ToList();
        Assert.Equal([25, 30, 35, 40], resumed.Select(r => r.Step));
        var after = uninterrupted.Where(r => r.Step > 20).ToList();
        Assert.Equal(after.Select(r => r.LearningRate), resumed.Select(r => r.LearningRate));
        Assert.Equal(after.Select(r => r.Loss.ToString("F6")), resumed.Select(r => r.Loss.ToString("F6")));
    }

    [Fact]
    public void TheSchedulingKeyTakesItsThreeValuesAndRefusesOthers()
    {
        const string yaml = "model_dir: m\ndata:\n  train: t\n  dev: d\n  src: fr\n  trg: en\ntraining:\n  scheduling: ";
        Assert.Equal(SchedulingType.Cosine, ConfigLoader.Parse(yaml + "cosine\n", "x.yaml").Training.Scheduling);
        Assert.Equal(SchedulingType.Linear, ConfigLoader.Parse(yaml + "linear\n", "x.yaml").Training.Scheduling);
        var e = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml + "noam\n", "x.yaml"));
        Assert.StartsWith("x.yaml:8: training.scheduling:", e.Message);
        e = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml + "plateau\n  warmup_steps: -1\n", "x.yaml"));
        Assert.StartsWith("x.yaml:9: training.warmup_steps:", e.Message);
        e = Assert.Throws<UserErrorException>(() => ConfigLoader.Parse(yaml + "linear\n  decay_start: 1.0\n", "x.yaml"));
        Assert.StartsWith("x.yaml:9: training.decay_start:", e.Message);
    }

    private static Seq2SeqConfig Tiny(string root, SchedulingType scheduling, int warmup)
    {
        var config = TrainerTests.TinySetup(root, 40);
        return config with { Training = config.Training with { Scheduling = scheduling, WarmupSteps = warmup, MinLr = 1e-5 } };
    }

    private static List<TrainingEvent> Train(Seq2SeqConfig config, int stopAfter = 0, CancellationTokenSource? cancel = null, bool resume = false)
    {
        var events = new List<TrainingEvent>();
        var progress = new Recorder(e =>
        {
            events.Add(e);
            if (e is StepReport r && r.Step == stopAfter) cancel!.Cancel();
        });
        new Trainer(config, new TrainOptions(Resume: resume), progress).Run(cancel?.Token ?? default);
        return events;
    }

    private sealed class Recorder(Action<TrainingEvent> record) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => record(value);
    }
}
