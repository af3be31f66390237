using Seq2Seq.Training;
using TorchSharp;

namespace Seq2Seq.Tests.Training;

[Collection(TorchCollection.Name)]
public class MemoryTests
{
    [Fact]
    public void LiveTensorsAndMemoryStayFlatOverManyStepsAndValidations()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 400);
        config = config with { Training = config.Training with { LoggingFreq = 50, ValidationFreq = 100 } };
        var live = new List<(int Step, long Tensors, long RssKb)>();
        var progress = new Probe(e =>
        {
            if (e is StepReport s) live.Add((s.Step, DisposeScopeManager.Statistics.ThreadTotalLiveCount, RssKb()));
        });
        new Trainer(config, new TrainOptions(), progress).Run();
        Assert.Equal(8, live.Count);
        // After the first validation (step 100) every later report sees the same number of live tensors:
        // per-batch, per-step and validation tensors are all disposed.
        var steady = live.Where(x => x.Step >= 150).ToList();
        Assert.All(steady, x => Assert.Equal(steady[0].Tensors, x.Tensors));
        long growthKb = steady[^1].RssKb - steady[0].RssKb;
        Assert.True(growthKb < 64 * 1024, $"RSS grew by {growthKb / 1024} MiB between steps {steady[0].Step} and {steady[^1].Step}");
    }

    private static long RssKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private sealed class Probe(Action<TrainingEvent> onEvent) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => onEvent(value);
    }
}
