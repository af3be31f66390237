using Seq2Seq.Training;

namespace Seq2Seq.Tests.Robustness;

/// <summary>An existing model directory is never overwritten by accident or resumed with another model shape.</summary>
[Collection(TorchCollection.Name)]
public class ClobberTests
{
    [Fact]
    public void TrainIntoAModelDirWithFilesRefusesWithoutResumeOrOverwrite()
    {
        var run = TinyRun.Create(5);
        var config = run.Config;
        Directory.CreateDirectory(config.ModelDir);
        File.WriteAllText(Path.Combine(config.ModelDir, "last.ckpt"), "precious");
        string yaml = run.WriteConfig();

        string line = Cli.AssertUserError(run.RunCli("train", yaml));

        Assert.Contains("--resume", line);
        Assert.Contains("--overwrite", line);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(config.ModelDir, "last.ckpt")));
        Assert.Single(Directory.GetFiles(config.ModelDir));
    }

    [Fact]
    public void ResumeWithAnotherModelShapeSaysWhatDiffers()
    {
        var run = TinyRun.Create(5);
        var config = run.Config;
        run.Train();
        string last = Path.Combine(config.ModelDir, "last.ckpt"), best = Path.Combine(config.ModelDir, "best.ckpt");
        byte[] lastBytes = File.ReadAllBytes(last), bestBytes = File.ReadAllBytes(best);
        var changed = config with
        {
            Model = config.Model with { EncoderHidden = 24 },
            Subwords = config.Subwords with { SrcVocabSize = 70 },
            Training = config.Training with { MaxSteps = 10, LearningRate = 1e-3 },
        };

        var e = Assert.Throws<UserErrorException>(() => run.Train(changed, new TrainOptions(Resume: true)));

        Assert.Contains("model.encoder_hidden: 16 → 24", e.Message);
        Assert.Contains("subwords.src_vocab_size: 60 → 70", e.Message);
        Assert.DoesNotContain("training.", e.Message); // training settings may change on resume
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(lastBytes, File.ReadAllBytes(last));
        Assert.Equal(bestBytes, File.ReadAllBytes(best));

        // Only training settings changed: the resume goes ahead.
        var result = run.Train(config with { Training = changed.Training }, new TrainOptions(Resume: true));
        Assert.Equal(10, result.Steps);
    }
}
