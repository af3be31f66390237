using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Inference;

/// <summary>Averaging the checkpoints of a tiny model into a new model directory, and what it refuses.</summary>
[Collection(TorchCollection.Name)]
public class CheckpointAverageTests
{
    private static Seq2SeqConfig Train(string root, int steps, Func<Seq2SeqConfig, Seq2SeqConfig>? change = null)
    {
        var config = TrainerTests.TinySetup(root, steps);
        config = config with { Training = config.Training with { KeepBestCkpts = 3, EvalMetric = EvalMetric.Loss } }; // every validation a new best
        if (change is not null) config = change(config);
        new Trainer(config, new TrainOptions()).Run();
        return config;
    }

    private static Tensor[] Weights(Seq2SeqConfig config, string checkpoint)
    {
        using var model = new Seq2SeqModel(config.Model, 60, 60);
        Checkpoint.Load(checkpoint, model);
        return [.. model.parameters().Select(p => p.detach().clone())];
    }

    [Fact]
    public void TheAverageOfTwoCheckpointsIsTheirElementWiseMeanAndTranslates()
    {
        string root = TestPaths.NewTempDir();
        var config = Train(root, 60);
        var chosen = CheckpointAverage.Best(config.ModelDir, 2);
        Assert.Equal([Path.Combine(config.ModelDir, "best.60.ckpt"), Path.Combine(config.ModelDir, "best.40.ckpt")], chosen);
        string output = Path.Combine(root, "averaged");
        CheckpointAverage.Write(config.ModelDir, chosen, output);
        var a = Weights(config, chosen[0]);
        var b = Weights(config, chosen[1]);
        var mean = Weights(config, Path.Combine(output, "best.ckpt"));
        Assert.Equal(a.Length, mean.Length);
        Assert.Contains(a.Zip(b), p => !p.First.eq(p.Second).all().item<bool>());   // two different checkpoints
        for (int i = 0; i < a.Length; i++)
            Assert.True(mean[i].allclose((a[i] + b[i]) / 2, rtol: 1e-6, atol: 1e-7), $"parameter {i} is not the mean");

        using var translator = Translator.Load(output, "cpu");
        var lines = TinyModelFixture.Sentences(10, seed: 31);
        Assert.Equal(lines.Count, translator.Translate(lines).Count);
    }

    [Fact]
    public void TheAverageOfACheckpointWithItselfIsThatCheckpoint()
    {
        string root = TestPaths.NewTempDir();
        var config = Train(root, 20);
        string best = Path.Combine(config.ModelDir, "best.ckpt"), output = Path.Combine(root, "same");
        CheckpointAverage.Write(config.ModelDir, [best, best], output);
        foreach (var (x, y) in Weights(config, best).Zip(Weights(config, Path.Combine(output, "best.ckpt"))))
            Assert.True(x.eq(y).all().item<bool>());
    }

    [Fact]
    public void OtherShapesOtherVocabulariesAndAnExistingOutputAreRefused()
    {
        string root = TestPaths.NewTempDir(), wider = TestPaths.NewTempDir(), otherVocab = TestPaths.NewTempDir();
        var config = Train(root, 20);
        var wide = Train(wider, 2, c => c with { Model = c.Model with { DecoderHidden = 24 } });
        var other = Train(otherVocab, 2, c => c with { Subwords = c.Subwords with { TrgVocabSize = 50 } });
        string best = Path.Combine(config.ModelDir, "best.ckpt");
        string wideBest = Path.Combine(wide.ModelDir, "best.ckpt"), otherBest = Path.Combine(other.ModelDir, "best.ckpt");

        var e = Assert.Throws<UserErrorException>(() => CheckpointAverage.Write(config.ModelDir, [best, wideBest], Path.Combine(root, "x")));
        Assert.Contains(wideBest, e.Message);
        Assert.Contains(best, e.Message);
        Assert.Contains("shapes", e.Message);
        e = Assert.Throws<UserErrorException>(() => CheckpointAverage.Write(config.ModelDir, [best, otherBest], Path.Combine(root, "y")));
        Assert.Contains(otherBest, e.Message);
        Assert.Contains("vocabulary", e.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "x")) || Directory.Exists(Path.Combine(root, "y")), "a refused average wrote something");

        string output = Path.Combine(root, "avg");
        CheckpointAverage.Write(config.ModelDir, [best], output);
        File.WriteAllText(Path.Combine(output, "note.txt"), "kept");
        e = Assert.Throws<UserErrorException>(() => CheckpointAverage.Write(config.ModelDir, [best], output));
        Assert.Contains("--overwrite", e.Message);
        Assert.True(File.Exists(Path.Combine(output, "note.txt")));
        e = Assert.Throws<UserErrorException>(() => CheckpointAverage.Best(config.ModelDir, 9));
        Assert.Contains("keep_best_ckpts", e.Message);
    }

    [Fact]
    public void TheCliAveragesTheBestCheckpointsInOneLineAndRefusesInOne()
    {
        string root = TestPaths.NewTempDir();
        var config = Train(root, 60);
        string output = Path.Combine(root, "avg");
        var ok = Robustness.Cli.Run(root, "average", "--model", config.ModelDir, "--best", "2", "--output", output);
        Assert.True(ok.Code == 0, ok.Err);
        Assert.True(File.Exists(Path.Combine(output, "best.ckpt")));
        Assert.True(File.Exists(Path.Combine(output, "config.yaml")));
        string error = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "average", "--model", config.ModelDir, "--best", "2", "--output", output));
        Assert.Contains("--overwrite", error);
        error = Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "average", "--model", config.ModelDir, "--output", output));
        Assert.Contains("--best", error);
    }

    [Fact]
    public void TrainingKeepsTheNewestPeriodicCheckpointsAndLastAveragesThem()
    {
        string root = TestPaths.NewTempDir();
        var config = Train(root, 40, c => c with { Training = c.Training with { SaveFreq = 10, KeepLastCkpts = 2 } });
        string Periodic(int step) => Path.Combine(config.ModelDir, $"step.{step}.ckpt");
        Assert.Equal([Periodic(40), Periodic(30)], CheckpointAverage.Last(config.ModelDir, 2));
        Assert.False(File.Exists(Periodic(20)) || File.Exists(Periodic(10)), "older periodic checkpoints were kept");
        Assert.Equal(40, Checkpoint.ReadState(Periodic(40)).Step);
        var e = Assert.Throws<UserErrorException>(() => CheckpointAverage.Last(config.ModelDir, 3));
        Assert.Contains("save_freq", e.Message);

        string output = Path.Combine(root, "last2");
        var ok = Robustness.Cli.Run(root, "average", "--model", config.ModelDir, "--last", "2", "--output", output);
        Assert.True(ok.Code == 0, ok.Err);
        var a = Weights(config, Periodic(40));
        var b = Weights(config, Periodic(30));
        var mean = Weights(config, Path.Combine(output, "best.ckpt"));
        for (int i = 0; i < a.Length; i++)
            Assert.True(mean[i].allclose((a[i] + b[i]) / 2, rtol: 1e-6, atol: 1e-7), $"parameter {i} is not the mean");
    }
}
