using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.LanguageModel;

/// <summary>Truncated backpropagation through time: the text's layout in streams and chunks, and the state carried between chunks.</summary>
[Collection(TorchCollection.Name)]
public class TruncatedBackpropagationTests
{
    /// <summary>A config for <paramref name="text"/>, written into a fresh folder.</summary>
    internal static LanguageModelConfig Setup(string text, LanguageModelNetworkConfig model, LanguageModelTrainingConfig training)
    {
        string root = TestPaths.NewTempDir();
        string data = Path.Combine(root, "text.txt");
        File.WriteAllText(data, text);
        return new LanguageModelConfig { ModelDir = Path.Combine(root, "model"), Data = data, Threads = 1, Seed = 5, Model = model, Training = training };
    }

    [Fact]
    public void StreamsAreContiguousPartsOfTheTextReadAsALoop()
    {
        int[] ids = Enumerable.Range(0, 11).ToArray();              // 11 characters, 2 streams of 5 pairs, 1 pair unused
        var streams = new CharStreams(ids, batchSize: 2, seqLength: 3);

        Assert.Equal((2, 5, 2, 1), (streams.Batch, streams.Length, streams.Chunks, streams.UnusedPairs));
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 7, 8, 9], streams.Inputs);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9, 10], streams.Targets);
        Assert.Equal((0, 3), streams.Chunk(0));
        Assert.Equal((3, 2), streams.Chunk(1));                     // the last chunk of a pass is shorter

        var loop = new CharStreams([4, 5, 6, 7], batchSize: 2, seqLength: 8);
        Assert.Equal([4L, 5, 6, 7], loop.Inputs);
        Assert.Equal([5L, 6, 7, 4], loop.Targets);                  // the last character is followed by the first
        Assert.Equal(1, loop.Chunks);
        Assert.Throws<ArgumentException>(() => new CharStreams([1, 2], batchSize: 3, seqLength: 2));
    }

    private sealed record StateSeen(float[] Hidden, float[]? Cell, bool RequiresGrad);

    [Theory]
    [InlineData(RnnType.Gru)]
    [InlineData(RnnType.Lstm)]
    [InlineData(RnnType.Rnn)]
    public void TheStateIntoChunkKPlusOneIsTheStateOutOfChunkKDetachedAndZerosAfterAWrap(RnnType rnnType)
    {
        // 20 characters in 2 streams of 10, chunks of 3, 3, 3 and 1: steps 1, 5 and 9 start a pass.
        var config = Setup("the cat sat on a mat", new LanguageModelNetworkConfig { RnnType = rnnType, Hidden = 8, Layers = 2 },
            new LanguageModelTrainingConfig { SeqLength = 3, BatchSize = 2, MaxSteps = 10, SampleLength = 0 });
        var into = new Dictionary<int, StateSeen?>();
        var outOf = new Dictionary<int, StateSeen>();
        static StateSeen Copy(CharLanguageModelState s)
        {
            Assert.Equal([2L, 2, 8], s.Hidden.shape);                // (layers, streams, hidden)
            return new(s.Hidden.data<float>().ToArray(), s.Cell?.data<float>().ToArray(), s.Hidden.requires_grad);
        }
        var trainer = new CharLanguageModelTrainer(config, new LanguageModelTrainOptions())
        {
            StepObserver = (step, input, output) =>
            {
                into[step] = input is { } s ? Copy(s) : null;
                outOf[step] = Copy(output);
            },
        };

        trainer.Run();

        Assert.Equal(Enumerable.Range(1, 10), into.Keys.Order());
        foreach (int step in into.Keys)
        {
            Assert.True(outOf[step].RequiresGrad, $"step {step}: the state out of a chunk is part of its graph");
            Assert.Equal(rnnType == RnnType.Lstm, outOf[step].Cell is not null);
            if (step % 4 == 1)
            {
                Assert.Null(into[step]);                             // a new pass starts from zeros
                continue;
            }
            var carried = into[step]!;
            Assert.False(carried.RequiresGrad, $"step {step}: the carried state must be cut from the previous chunk's graph");
            Assert.Equal(outOf[step - 1].Hidden, carried.Hidden);
            Assert.Equal(outOf[step - 1].Cell, carried.Cell);
        }
    }

    /// <summary>Probability of each vocabulary character after <paramref name="prime"/>.</summary>
    internal static float[] NextCharacter(CharSampler sampler, string prime)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        sampler.Model.eval();
        var ids = tensor(sampler.Vocabulary.Encode(prime).Select(i => (long)i).ToArray()).unsqueeze(0);
        var (logits, _) = sampler.Model.call(ids, null);
        return softmax(logits[0, -1], dim: -1).data<float>().ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> blocks of three characters: '1' or '3'; then 'a' or 'b', 'a' more often after '1' and
    /// 'b' after '3'; then '2' after a '1' and '4' after a '3'.
    /// </summary>
    private static string Blocks(int count, int seed)
    {
        var rng = new Random(seed);
        return string.Concat(Enumerable.Range(0, count).Select(_ =>
        {
            bool one = rng.Next(2) == 0;
            bool usual = rng.NextDouble() < 0.7;
            return (one ? "1" : "3") + (one == usual ? "a" : "b") + (one ? "2" : "4");
        }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ADependencyLongerThanSeqLengthIsLearnedThroughTheCarriedState(int seed)
    {
        // Read one character a chunk (seq_length 1), the third character of a block depends on the first, which
        // is in the chunk before. From the second character alone it can be guessed right 70% of the time (what a
        // model without the carried state could learn); with the state carried over, every time.
        var config = Setup(Blocks(300, seed), new LanguageModelNetworkConfig { Hidden = 16 },
            new LanguageModelTrainingConfig { SeqLength = 1, BatchSize = 4, LearningRate = 0.01, MaxSteps = 1500, SampleLength = 0 }) with
        { Seed = seed };

        new CharLanguageModelTrainer(config, new LanguageModelTrainOptions()).Run();

        // Read a new text of such blocks with the state carried along (one pass of the model over all of it), and
        // guess each block's third character.
        using var sampler = CharSampler.Load(config.ModelDir);
        string text = Blocks(300, seed + 1000);
        int[] ids = sampler.Vocabulary.Encode(text);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        sampler.Model.eval();
        var (logits, _) = sampler.Model.call(tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0), null); // (1, N, V)
        long[] guess = logits[0].argmax(dim: -1).data<long>().ToArray();                                     // (N)
        var third = Enumerable.Range(0, text.Length / 3).Select(b => 3 * b + 2).ToList();
        double right = third.Count(i => guess[i - 1] == ids[i]) / (double)third.Count;
        Assert.True(right > 0.95, $"the third character guessed right {right:P0} of the time (70% without the carried state)");
    }

    [Theory]
    [InlineData(RnnType.Gru)]
    [InlineData(RnnType.Lstm)]
    public void LiveTensorsStayFlatOverStepsAndSamples(RnnType rnnType)
    {
        // 200 characters, 2 streams of 100, 10 chunks a pass: every report falls on the same chunk of a pass.
        var rng = new Random(3);
        string text = new(Enumerable.Range(0, 200).Select(_ => "abcdefgh \n"[rng.Next(10)]).ToArray());
        var config = Setup(text, new LanguageModelNetworkConfig { RnnType = rnnType, Hidden = 16, Layers = 2, Dropout = 0.1 },
            new LanguageModelTrainingConfig { SeqLength = 10, BatchSize = 2, MaxSteps = 400, LoggingFreq = 50, SampleFreq = 100, SampleLength = 50 });
        var live = new List<(int Step, long Tensors)>();
        var trainer = new CharLanguageModelTrainer(config, new LanguageModelTrainOptions(), new Probe(e =>
        {
            if (e is LanguageModelStepReport r) live.Add((r.Step, DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        }));

        trainer.Run();

        Assert.Equal(8, live.Count);
        var steady = live.Where(x => x.Step >= 150).ToList();
        Assert.All(steady, x => Assert.Equal(steady[0].Tensors, x.Tensors));
    }

    private sealed class Probe(Action<TrainingEvent> onEvent) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => onEvent(value);
    }
}
