using Seq2Seq.Inference;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Inference;

/// <summary>Ensembles at decoding time: the weighted mean of several models' log-probabilities drives the usual searches.</summary>
[Collection(TorchCollection.Name)]
public class EnsembleTests(EnsembleFixture fixture) : IClassFixture<EnsembleFixture>
{
    private static Shortlist WholeVocabulary(Translator t) => Shortlist.Create(t.SourceTokenizer, t.TargetTokenizer,
        [.. Enumerable.Range(TextTokenizer.EosId + 1, t.TargetTokenizer.VocabSize - TextTokenizer.EosId - 1)],
        [.. Enumerable.Range(0, t.SourceTokenizer.VocabSize).Select(_ => Array.Empty<int>())]);

    [Theory]
    [InlineData(1, true, false)]
    [InlineData(5, true, false)]
    [InlineData(1, false, false)]
    [InlineData(5, false, false)]
    [InlineData(1, true, true)]
    [InlineData(5, false, true)]
    public void AModelEnsembledWithItselfGivesExactlyItsOwnOutputs(int beam, bool fastPaths, bool shortlist)
    {
        using var single = Translator.Load(fixture.First, "cpu", fastPaths: fastPaths);
        using var ensemble = Translator.LoadEnsemble([fixture.First, fixture.First], device: "cpu", fastPaths: fastPaths);
        var sentences = TinyModelFixture.Sentences(40, seed: 31);
        var options = single.DefaultOptions with { BeamSize = beam, NBest = beam, BatchSize = 16, MinLength = 2, KeepAttention = true };
        if (shortlist) options = options with { Shortlist = WholeVocabulary(single) };
        var expected = single.Translate(sentences, options);
        var actual = ensemble.Translate(sentences, options);
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(beam, actual[i].NBest.Count);
            Assert.Equal(expected[i].NBest.Select(h => string.Join(' ', h.Tokens)), actual[i].NBest.Select(h => string.Join(' ', h.Tokens)));
            Assert.Equal(expected[i].NBest.Select(h => h.Score), actual[i].NBest.Select(h => h.Score));
            Assert.Equal(expected[i].NBest.Select(h => h.LogProbability), actual[i].NBest.Select(h => h.LogProbability));
            Assert.Equal(expected[i].Attention!.Length, actual[i].Attention!.Length);
            for (int t = 0; t < expected[i].Attention!.Length; t++) Assert.Equal(expected[i].Attention![t], actual[i].Attention![t]);
        }
    }

    /// <summary>The sentences in each model's source vocabulary, padded, and their output limits from the first model's lengths.</summary>
    private (Scorer Scorer, Tensor Limits) Scorer(IReadOnlyList<string> sentences, params double[] weights)
    {
        var members = new[] { fixture.A, fixture.B }.Select(t =>
        {
            var rows = sentences.Select(s => t.SourceTokenizer.Encode(s)).ToArray();
            var (src, lengths, _) = Seq2Seq.Data.Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
            return new ModelScorer(t.Model, t.Stepper, src, lengths, subset: null);
        }).ToArray();
        var limits = tensor(sentences.Select(s => (long)(1.5 * fixture.A.SourceTokenizer.Encode(s).Length + 10)).ToArray());
        return (new EnsembleScorer(members, weights), limits);
    }

    [Fact]
    public void TheModelsReadTheSentencesInTheirOwnSourceVocabularies()
    {
        Assert.NotEqual(fixture.A.SourceTokenizer.VocabSize, fixture.B.SourceTokenizer.VocabSize);
        Assert.Equal(fixture.A.TargetTokenizer.VocabSize, fixture.B.TargetTokenizer.VocabSize);
    }

    [Fact]
    public void EnsembleBeamOfOneIsExactlyEnsembleGreedy()
    {
        var sentences = TinyModelFixture.Sentences(48, seed: 32);
        var (greedyScorer, limits) = Scorer(sentences, 1.0, 1.0);
        var greedy = GreedySearch.Decode(greedyScorer, limits, minLength: 2);
        foreach (double alpha in new[] { 0.0, 1.0 })
        {
            var beam = BeamSearch.Decode(Scorer(sentences, 1.0, 1.0).Scorer, limits, beamSize: 1, alpha: alpha, minLength: 2);
            for (int i = 0; i < sentences.Count; i++)
            {
                Assert.Equal(greedy[i].Ids, beam[i][0].Ids);
                Assert.Equal(greedy[i].Score, beam[i][0].Score, tolerance: 1e-4);
            }
        }
    }

    [Fact]
    public void TheCombinedLogProbabilitiesAreTheWeightedMeanOfTheModels()
    {
        var sentences = TinyModelFixture.Sentences(6, seed: 33);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (ensemble, _) = Scorer(sentences, 1.0, 3.0);
        ensemble.Encode();
        var bos = full([sentences.Count], SubwordTokenizer.BosId, dtype: ScalarType.Int64);
        var (combined, weights) = ensemble.Step(bos);                            // (N, V), (N, S)
        var separate = new[] { fixture.A, fixture.B }.Select(t =>
        {
            var rows = sentences.Select(s => t.SourceTokenizer.Encode(s)).ToArray();
            var (src, lengths, _) = Seq2Seq.Data.Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
            var (source, state) = t.Model.Encode(src, lengths);
            var (next, w) = t.Model.Decoder.Step(t.Model.Decoder.Embed(bos), state, source);
            return (LogProbs: nn.functional.log_softmax(t.Model.Decoder.Logits(next.Attentional), dim: -1), Weights: w!);
        }).ToArray();
        var expected = (separate[0].LogProbs * 1.0 + separate[1].LogProbs * 3.0) / 4.0;
        Assert.Equal(expected.shape, combined.shape);
        Assert.True(allclose(combined, expected, rtol: 1e-5, atol: 1e-5), $"largest difference {(combined - expected).abs().max().item<float>()}");
        Assert.False(allclose(separate[0].LogProbs, separate[1].LogProbs, rtol: 1e-3, atol: 1e-3), "the two models give the same scores: nothing is checked");
        Assert.True(allclose(weights!, separate[0].Weights, rtol: 1e-5, atol: 1e-6), "the attention weights are not the first model's");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void AFarHeavierWeightGivesThatModelsOutputs(int beam)
    {
        var sentences = TinyModelFixture.Sentences(40, seed: 34);
        var options = fixture.A.DefaultOptions with { BeamSize = beam, BatchSize = 16, MinLength = 3 };  // outputs of 3+ tokens to compare
        string[] Texts(Translator t) => [.. t.Translate(sentences, options).Select(r => r.Text)];
        string[] first = Texts(fixture.A);
        using var equal = Translator.LoadEnsemble([fixture.First, fixture.Second], device: "cpu");
        using var towardsFirst = Translator.LoadEnsemble([fixture.First, fixture.Second], [1, 0.0001], device: "cpu");
        using var towardsSecond = Translator.LoadEnsemble([fixture.First, fixture.Second], [0.0001, 1], device: "cpu");
        Assert.NotEqual(first, Texts(equal));                                    // the second model changes something
        Assert.Equal(first, Texts(towardsFirst));
        Assert.Equal(Texts(fixture.B), Texts(towardsSecond));
        Assert.Equal([1, 0.0001], towardsFirst.Weights);
        Assert.Equal([fixture.First, fixture.Second], towardsFirst.ModelPaths);
    }

    [Fact]
    public void NBestListsAndAlignmentsComeOutOfAnEnsemble()
    {
        using var ensemble = Translator.LoadEnsemble([fixture.First, fixture.Second], device: "cpu");
        var sentences = TinyModelFixture.Sentences(20, seed: 35);
        var results = ensemble.Translate(sentences, ensemble.DefaultOptions with { BeamSize = 4, NBest = 3, KeepAttention = true });
        for (int i = 0; i < sentences.Count; i++)
        {
            var r = results[i];
            Assert.Equal(3, r.NBest.Count);
            Assert.True(r.NBest[0].Score >= r.NBest[1].Score && r.NBest[1].Score >= r.NBest[2].Score);
            Assert.Equal(r.SourceTokens.Count, fixture.A.SourceTokenizer.Encode(sentences[i]).Length);
            Assert.All(r.Attention!, row => Assert.Equal(r.SourceTokens.Count + 1, row.Length)); // the first model's source and EOS
            Assert.All(r.Alignment(), a => Assert.InRange(a.Source, 0, r.SourceTokens.Count - 1));
        }
    }

    [Fact]
    public void EnsembleWeightsAreCheckedBeforeAnythingLoads()
    {
        var count = Assert.Throws<UserErrorException>(() => Translator.LoadEnsemble([fixture.First, fixture.Second], [1.0]));
        Assert.Contains("1 given for 2 models", count.Message);
        var negative = Assert.Throws<UserErrorException>(() => Translator.LoadEnsemble([fixture.First, fixture.Second], [1.0, 0]));
        Assert.Contains("positive", negative.Message);
    }
}
