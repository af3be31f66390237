using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Modeling.Cpu;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Training;

[Collection(TorchCollection.Name)]
public class FastPathsTrainingTests
{
    [Theory]
    [InlineData(true)]   // fast_paths: false in the config
    [InlineData(false)]  // TrainOptions.FastPaths = false, as train --no-fast-paths sets it
    public void ThePlainPathTrainsWithTheSameLossesAsTheFastPaths(bool throughConfig)
    {
        // Once-per-batch weight gradients equal autograd's up to the order of the sums, so the losses of the
        // same seed agree to rounding, step after step, and the plain run's model translates like the fast one's.
        string fastDir = TestPaths.NewTempDir(), plainDir = TestPaths.NewTempDir();
        var fast = Train(TrainerTests.TinySetup(fastDir, 30), new TrainOptions());
        var plainConfig = TrainerTests.TinySetup(plainDir, 30);
        var plain = throughConfig
            ? Train(plainConfig with { FastPaths = false }, new TrainOptions())
            : Train(plainConfig, new TrainOptions(FastPaths: false));
        Assert.Equal(6, fast.Count);
        Assert.Equal(fast.Select(r => r.Step), plain.Select(r => r.Step));
        foreach (var (f, p) in fast.Zip(plain))
            Assert.True(Math.Abs(f.Loss - p.Loss) <= 1e-4 * f.Loss, $"step {f.Step}: loss {f.Loss} with fast paths, {p.Loss} without");
        Assert.True(fast[^1].Loss < fast[0].Loss);
    }

    [SkippableFact]
    public void TheTranslatorPacksUnlessFastPathsAreOff()
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        var config = TrainerTests.TinySetup(TestPaths.NewTempDir(), 20);
        new Trainer(config, new TrainOptions()).Run();
        using (var byDefault = Translator.Load(config.ModelDir, "cpu")) Assert.IsType<PackedDecoderStepper>(byDefault.Stepper);
        using (var off = Translator.Load(config.ModelDir, "cpu", fastPaths: false)) Assert.IsType<DecoderStepper>(off.Stepper);
        string configFile = Path.Combine(config.ModelDir, "config.yaml");
        Assert.Contains("fast_paths: true", File.ReadAllText(configFile));   // written by train
        File.WriteAllText(configFile, File.ReadAllText(configFile).Replace("fast_paths: true", "fast_paths: false"));
        using (var fromConfig = Translator.Load(config.ModelDir, "cpu")) Assert.IsType<DecoderStepper>(fromConfig.Stepper);
        using var overridden = Translator.Load(config.ModelDir, "cpu", fastPaths: true);
        Assert.IsType<PackedDecoderStepper>(overridden.Stepper);
    }

    private static List<StepReport> Train(Seq2SeqConfig config, TrainOptions options)
    {
        var reports = new List<TrainingEvent>();
        new Trainer(config, options, new Progress(reports)).Run();
        return [.. reports.OfType<StepReport>()];
    }

    private sealed class Progress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
