using System.Text;
using Seq2Seq.Config;
using Seq2Seq.Observability;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Observability;

/// <summary>
/// Training writes TensorBoard event files that an independent reader accepts (framing, checksums, Event protobuf):
/// the expected tags at the expected steps, wall times in seconds since 1970, dev translations as text; a resumed run
/// that repeats steps leaves each step once; <c>training.tensorboard: false</c> writes none.
/// </summary>
[Collection(TorchCollection.Name)]
public class TensorBoardTests
{
    private static string Board(Seq2SeqConfig config) => Path.Combine(config.ModelDir, "tensorboard");

    private static int[] Steps(List<EventFileParser.Event> events, string tag) =>
        [.. events.Where(e => e.Values.Any(v => v.Tag == tag)).Select(e => (int)e.Step)];

    [Fact]
    public void Crc32CMatchesTheCastagnoliCheckValue()
    {
        // The standard check value of CRC-32C over "123456789" is 0xE3069283; both implementations must give it.
        var digits = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, EventRecords.Crc32C(digits));
        uint crc = 0xE3069283u;
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, EventFileParser.Masked(digits));
        Assert.Equal(EventFileParser.Masked(digits), EventRecords.MaskedCrc32C(digits));
    }

    [Fact]
    public void TrainingWritesScalarsAndTranslationsAtTheirSteps()
    {
        var config = TrainerTests.TinySetup(TestPaths.NewTempDir(), 40);
        double before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        new Trainer(config, new TrainOptions()).Run();
        var files = Directory.GetFiles(Board(config));
        Assert.Single(files);
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(files[0]));
        var events = EventFileParser.ReadFolder(Board(config));
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
        int[] logged = [5, 10, 15, 20, 25, 30, 35, 40];
        foreach (var tag in new[] { "train/loss", "train/target_tokens_per_second", "train/learning_rate" })
            Assert.Equal(logged, Steps(events, tag));
        foreach (var tag in new[] { "dev/loss", "dev/perplexity", "dev/bleu", "dev/chrf", "dev/translations" })
            Assert.Equal([20, 40], Steps(events, tag));
        var values = events.SelectMany(e => e.Values).ToList();
        Assert.All(values.Where(v => v.Tag == "train/learning_rate"), v => Assert.Equal(3e-3f, v.Scalar));
        var devLoss = values.Where(v => v.Tag == "dev/loss").Select(v => v.Scalar!.Value).ToList();
        var metrics = File.ReadAllLines(Path.Combine(config.ModelDir, "metrics.tsv"));
        Assert.Equal(metrics[1].Split('\t')[3], devLoss[0].ToString("F5", System.Globalization.CultureInfo.InvariantCulture)[..7]);
        var text = values.Last(v => v.Tag == "dev/translations");
        Assert.Equal("text", text.Plugin);
        Assert.StartsWith("| source | reference | translation |\n|---|---|---|\n", text.Text);
        string firstDev = File.ReadLines(config.Data.Dev + ".fr").First();
        Assert.Contains($"| {firstDev} |", text.Text);
        Assert.Equal(2 + Validator.SampleCount, text.Text!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The curves are redrawn at every validation from metrics.tsv, which holds the new columns.
        Assert.Contains("dev BLEU\n", File.ReadAllText(Path.Combine(config.ModelDir, "curves.svg")));
        Assert.EndsWith("\tdev_chrf\ttrain_loss\tminutes", metrics[0]);
        Assert.Equal(10, metrics[2].Split('\t').Length);
    }

    [Fact]
    public void AResumedRunLeavesEachStepOnce()
    {
        var config = TrainerTests.TinySetup(TestPaths.NewTempDir(), 20);
        new Trainer(config, new TrainOptions()).Run();
        string last = Path.Combine(config.ModelDir, "last.ckpt"), saved = last + ".at20";
        File.Copy(last, saved);
        // Steps 25 and 30 are logged, then the run is "killed" before a checkpoint: last.ckpt is the one of step 20.
        new Trainer(config with { Training = config.Training with { MaxSteps = 30 } }, new TrainOptions(Resume: true)).Run();
        File.Copy(saved, last, overwrite: true);
        File.Delete(saved);
        Assert.Contains(30, Steps(EventFileParser.ReadFolder(Board(config)), "train/loss"));
        Assert.Contains(30, Steps(EventFileParser.ReadFolder(Board(config)), "dev/bleu"));
        new Trainer(config with { Training = config.Training with { MaxSteps = 40 } }, new TrainOptions(Resume: true)).Run();

        Assert.Equal(3, Directory.GetFiles(Board(config)).Length);                       // one file per run
        var events = EventFileParser.ReadFolder(Board(config));
        Assert.Equal([5, 10, 15, 20, 25, 30, 35, 40], Steps(events, "train/loss"));
        Assert.Equal([20, 40], Steps(events, "dev/bleu"));                      // the killed run's end-of-run validation at 30 is gone
    }

    [Fact]
    public void TensorboardFalseWritesNoEvents()
    {
        var config = TrainerTests.TinySetup(TestPaths.NewTempDir(), 10);
        new Trainer(config with { Training = config.Training with { Tensorboard = false } }, new TrainOptions()).Run();
        Assert.False(Directory.Exists(Board(config)));
        Assert.True(File.Exists(Path.Combine(config.ModelDir, "last.ckpt")));
        var yaml = ConfigLoader.Parse("name: x\nmodel_dir: m\ndata: {train: t, dev: d, src: fr, trg: en}\ntraining:\n  tensorboard: false\n", "x.yaml");
        Assert.False(yaml.Training.Tensorboard);
    }

    [Fact]
    public void TheLanguageModelTrainerWritesItsLossAndSamples()
    {
        string root = TestPaths.NewTempDir();
        var config = ConfigLoader.LoadLanguageModel(Path.Combine(TestPaths.RepoRoot, "configs", "hello_lm.yaml"));
        config = config with
        {
            ModelDir = Path.Combine(root, "lm"),
            Data = Path.Combine(TestPaths.RepoRoot, "data", "hello.txt"),
            Training = config.Training with { MaxSteps = 20, LoggingFreq = 10, SampleFreq = 10, SampleLength = 8 },
        };
        new CharLanguageModelTrainer(config, new LanguageModelTrainOptions()).Run();
        var events = EventFileParser.ReadFolder(Path.Combine(config.ModelDir, "tensorboard"));
        Assert.Equal([10, 20], Steps(events, "train/loss"));
        Assert.Equal([10, 20], Steps(events, "train/characters_per_second"));
        Assert.Equal([10, 20], Steps(events, "samples/text"));
        Assert.All(events.SelectMany(e => e.Values).Where(v => v.Tag == "samples/text"), v => Assert.Equal(8 + 8, v.Text!.Length)); // ``` + 8 characters + ```
    }
}
