using Seq2Seq.Inference;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Inference;

/// <summary><see cref="SamplingSearch"/> and sampling through <see cref="Translator"/>, on the tiny model.</summary>
[Collection(TorchCollection.Name)]
public class SamplingTests(AnsweringModelFixture fixture) : IClassFixture<AnsweringModelFixture>
{
    private readonly Translator translator = fixture.Translator;

    private (Tensor Src, Tensor Lengths, Tensor Limits) Batch(IReadOnlyList<string> sentences, long? limit = null)
    {
        var rows = sentences.Select(s => translator.SourceTokenizer.Encode(s)).ToArray();
        var (src, lengths, _) = Seq2Seq.Data.Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
        var limits = tensor(rows.Select(r => limit ?? (long)(1.5 * r.Length + 10)).ToArray());
        return (src, lengths, limits);
    }

    [Theory]
    [InlineData(0.0, 0)]      // temperature 0: the most likely token, without drawing
    [InlineData(1.0, 1)]      // top-k 1: a draw among one token
    [InlineData(1e-4, 0)]     // nearly 0: a draw that puts (almost) all mass on the most likely token
    public void TemperatureZeroAndTopKOneAreGreedy(double temperature, int topK)
    {
        var sentences = TinyModelFixture.Sentences(64, seed: 21);
        var (src, lengths, limits) = Batch(sentences);
        var greedy = GreedySearch.Decode(translator.Model, src, lengths, limits, keepAttention: true);
        using var generator = new Generator(5);
        var sampled = SamplingSearch.Decode(translator.Model, src, lengths, limits, temperature, topK, generator, keepAttention: true);
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(greedy[i].Ids, sampled[i].Ids);
            Assert.Equal(greedy[i].Score, sampled[i].Score, tolerance: 1e-4);
            Assert.Equal(greedy[i].Attention!.Length, sampled[i].Attention!.Length);
        }
    }

    [Fact]
    public void AFixedSeedReproducesTheSamplesAndAnotherSeedChangesThem()
    {
        // Small batches on two threads: every batch draws from its own generator, whichever thread decodes it.
        var sentences = TinyModelFixture.Sentences(60, seed: 22);
        var options = new DecodingOptions { Sample = true, Temperature = 1.5, Seed = 7, BatchSize = 8 };
        int pool = get_num_threads();
        set_num_threads(2);
        try
        {
            var first = translator.Translate(sentences, options);
            var again = translator.Translate(sentences, options);
            var other = translator.Translate(sentences, options with { Seed = 8 });
            var greedy = translator.Translate(sentences, new DecodingOptions { BatchSize = 8 });
            Assert.Equal(first.Select(t => t.Text), again.Select(t => t.Text));
            Assert.Equal(first.Select(t => t.LogProbability), again.Select(t => t.LogProbability));
            Assert.NotEqual(first.Select(t => t.Text), other.Select(t => t.Text));
            Assert.NotEqual(first.Select(t => t.Text), greedy.Select(t => t.Text));
            // The score of a sample is its log-probability under the model: never above the greedy output's by much,
            // and each token's log-probability is ≤ 0.
            Assert.All(first, t => Assert.True(t.LogProbability <= 1e-4, $"{t.LogProbability}"));
        }
        finally
        {
            set_num_threads(pool);
        }
    }

    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(0.5, 0)]
    [InlineData(1.0, 3)]
    [InlineData(2.0, 4)]
    public void TheFirstTokenIsDrawnFromTheTemperedTopKDistribution(double temperature, int topK)
    {
        const int Draws = 4000;
        // The model's distribution of the first token, from one decoder step; the sentence it is least sure about.
        var candidates = TinyModelFixture.Sentences(100, seed: 23);
        float[][] firstStep;
        using (no_grad())
        using (NewDisposeScope())
        {
            var (all, allLengths, _) = Batch(candidates);
            var (source, state) = translator.Model.Encode(all, allLengths);
            var bos = full([candidates.Count], SubwordTokenizer.BosId, dtype: ScalarType.Int64);
            var (next, _) = translator.Model.Decoder.Step(translator.Model.Decoder.Embed(bos), state, source);
            var probs = nn.functional.softmax(translator.Model.Decoder.Logits(next.Attentional), dim: -1); // (N, V)
            firstStep = [.. Enumerable.Range(0, candidates.Count).Select(i => probs[i].data<float>().ToArray())];
        }
        int pick = Enumerable.Range(0, candidates.Count).MinBy(i => firstStep[i].Max());
        string sentence = candidates[pick];
        float[] p = firstStep[pick];
        var (src, lengths, limits) = Batch(Enumerable.Repeat(sentence, Draws).ToList(), limit: 1);
        var expected = p.Select(x => Math.Pow(x, 1 / temperature)).ToArray();
        if (topK > 0)
        {
            double kth = expected.OrderDescending().ElementAt(topK - 1);
            expected = [.. expected.Select(x => x >= kth ? x : 0)];
        }
        double total = expected.Sum();
        expected = [.. expected.Select(x => x / total)];

        using var generator = new Generator(11);
        var hyps = SamplingSearch.Decode(translator.Model, src, lengths, limits, temperature, topK, generator);
        var counts = new double[p.Length];
        foreach (var h in hyps) counts[h.Ids.Length == 0 ? SubwordTokenizer.EosId : h.Ids[0]]++;
        for (int v = 0; v < p.Length; v++)
        {
            if (expected[v] == 0) Assert.Equal(0, counts[v]);
            Assert.True(Math.Abs(counts[v] / Draws - expected[v]) < 0.035,
                $"token {v}: drawn {counts[v] / Draws:F3}, expected {expected[v]:F3}");
        }
        Assert.True(expected.Count(x => x > 0.05) >= 2, "the test needs a first token the model is unsure about");
    }

    [Fact]
    public void BadSamplingOptionsAreUserErrors()
    {
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { Sample = true, BeamSize = 3 }));
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { Sample = true, Temperature = -1 }));
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { Sample = true, Temperature = double.NaN }));
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { Sample = true, TopK = -2 }));
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { Sample = true, Seed = -1 }));
    }
}
