using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// Non-finite losses skip their batch with a warning and a counter, training stops after
/// <c>training.max_bad_losses_in_a_row</c> of them, and weights holding NaN are never saved.
/// </summary>
[Collection(TorchCollection.Name)]
public class NumericsTests
{
    [Fact]
    public void AbsurdLearningRateStopsWithAClearMessageAndSavesNoNaNModel()
    {
        var tiny = TinyRun.Create(200);
        var config = tiny.Config;
        // A real input, no test hook: Adam moves every weight by about the learning rate, so after one step the
        // logits overflow and every later loss is infinite or NaN.
        config = config with
        {
            Training = config.Training with { LearningRate = 1e36, MaxBadLossesInARow = 4, ValidationFreq = 1, LoggingFreq = 1 },
        };
        var run = tiny.RunCli("train", tiny.WriteConfig(config));

        string line = Cli.AssertUserError(run, afterProgress: true);
        Assert.Equal("seq2seq: training diverged: 4 non-finite losses in a row (training.max_bad_losses_in_a_row); " +
            "lower the learning rate or check the data", line);
        var skipped = run.Err.Split('\n').Where(l => l.StartsWith("warning: ", StringComparison.Ordinal) && l.Contains("batch skipped")).ToList();
        Assert.Equal(4, skipped.Count);
        Assert.Contains("(4 in a row, 4 in all)", skipped[^1]);
        string log = File.ReadAllText(Path.Combine(config.ModelDir, "train.log"));
        Assert.Contains("WARNING: step 2: loss is", log);
        Assert.Equal(4, Checkpoint.ReadState(Path.Combine(config.ModelDir, "last.ckpt")).SkippedBadLosses);
        // The only validation saw an infinite dev loss: nothing is "best". Whatever was saved holds finite weights.
        Assert.False(File.Exists(Path.Combine(config.ModelDir, "best.ckpt")), "a diverged model was saved as best");
        Assert.True(WeightsAreFinite(config, Path.Combine(config.ModelDir, "last.ckpt")), "last.ckpt holds NaN or infinite weights");
    }

    private static bool WeightsAreFinite(Seq2Seq.Config.Seq2SeqConfig config, string checkpoint)
    {
        var src = SubwordTokenizer.Load(config.ModelDir, ModelDirectory.SourcePrefix);
        var trg = SubwordTokenizer.Load(config.ModelDir, ModelDirectory.TargetPrefix);
        using var model = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
        Checkpoint.Load(checkpoint, model);
        return model.parameters().All(p => isfinite(p).all().item<bool>());
    }
}
