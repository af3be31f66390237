using System.Text;
using Seq2Seq.Data;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Robustness;

/// <summary>Messy corpora are reported precisely (file, line, counts) or cleaned up and counted, never a crash.</summary>
[Collection(TorchCollection.Name)]
public class CorpusTests
{
    [Fact]
    public void DifferentLineCountsNameBothFilesAndCounts()
    {
        var run = TinyRun.Create(5);
        var config = run.Config;
        File.AppendAllText(Path.Combine(run.Root, "train.en"), "one more line\n");

        string line = Cli.AssertUserError(run.RunCli("train", run.WriteConfig()));

        Assert.Contains($"{config.Data.Train}.fr has 300 lines but {config.Data.Train}.en has 301", line);
        Assert.False(Directory.Exists(config.ModelDir), "model_dir was created");
    }

    [Fact]
    public void InvalidUtf8NamesFileAndLine()
    {
        var run = TinyRun.Create(5);
        var config = run.Config;
        string fr = Path.Combine(run.Root, "dev.fr");
        var lines = File.ReadAllLines(fr);
        using (var f = File.Create(fr))
        {
            for (int i = 0; i < lines.Length; i++)
            {
                f.Write(Encoding.UTF8.GetBytes(lines[i]));
                if (i == 6) f.Write([0xC3, 0x28, 0xFF]); // a broken two-byte sequence and a byte UTF-8 never uses
                f.WriteByte((byte)'\n');
            }
        }
        string line = Cli.AssertUserError(run.RunCli("train", run.WriteConfig()));

        Assert.Equal($"seq2seq: {fr}:7: invalid UTF-8", line);
        Assert.False(Directory.Exists(config.ModelDir), "model_dir was created");
    }

    [Fact]
    public void CrlfBomEmptyAndOverlongPairsAreHandledAndCounted()
    {
        var run = TinyRun.Create(5);
        var config = run.Config with { Data = run.Config.Data with { MaxLength = 40 } };
        string longLine = string.Join(' ', Enumerable.Repeat("soleil chat", 40));
        foreach (var (lang, extra) in new[]
        {
            ("fr", new[] { "", "   ", "chat", longLine, "lune", "chat soleil" }),
            ("en", new[] { "moon", "sun", "", "sun cat", longLine, "cat sun" }),
        })
        {
            // Rewrite train.{lang} with a BOM and CRLF endings, plus 3 empty and 2 over-length pairs.
            string path = Path.Combine(run.Root, $"train.{lang}");
            var text = File.ReadAllLines(path).Concat(extra);
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(string.Join("\r\n", text) + "\r\n")]);
        }

        var read = ParallelCorpus.Read(config.Data.Train, "fr", "en", lowercase: false);
        Assert.Equal(306, read.Count);
        Assert.All(read.Source.Concat(read.Target), s => Assert.DoesNotContain('\r', s));
        Assert.All(read.Source.Concat(read.Target), s => Assert.DoesNotContain('\uFEFF', s));
        Assert.Equal(["", "   ", "chat"], read.Source.Skip(300).Take(3));
        Assert.Equal("cat sun", read.Target[305]);
        Assert.Equal(read.Source[0].Trim(), read.Source[0]);

        var events = new List<TrainingEvent>();
        new Trainer(config, new TrainOptions(), new Progress(events)).Run();

        string log = File.ReadAllText(Path.Combine(config.ModelDir, "train.log"));
        Assert.Contains("train: 301 of 306 pairs kept (3 empty, 2 too long skipped)", log);
        var data = Assert.Single(events.OfType<DataReport>());
        Assert.Equal((306, 301, 3, 2), (data.Train.Read, data.Train.Kept, data.Train.SkippedEmpty, data.Train.SkippedTooLong));
        Assert.Contains("(3 empty, 2 too long skipped)", data.ToString());
        string vocab = File.ReadAllText(Path.Combine(config.ModelDir, "src.vocab.json"));
        Assert.DoesNotContain("\\r", vocab, StringComparison.Ordinal);
        Assert.DoesNotContain("\uFEFF", vocab, StringComparison.Ordinal);
        Assert.DoesNotContain("\\uFEFF", vocab, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CorpusWithoutAUsablePairIsAnErrorAndCreatesNothing()
    {
        var run = TinyRun.Create(5);
        var config = run.Config;
        File.WriteAllText(Path.Combine(run.Root, "train.fr"), "\n  \nchat\n\n");
        File.WriteAllText(Path.Combine(run.Root, "train.en"), "cat\n\n\n\t\n");

        var e = Assert.Throws<UserErrorException>(() => run.Train());

        Assert.Contains("no usable sentence pair", e.Message);
        Assert.Contains("0 of 4 pairs kept (4 empty", e.Message);
        Assert.False(Directory.Exists(config.ModelDir), "model_dir was created");
    }

    private sealed class Progress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
