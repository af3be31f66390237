using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Inference;

[Collection(TorchCollection.Name)]
public class SearchTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private readonly Translator translator = fixture.Translator;

    private (Tensor Src, Tensor Lengths, Tensor Limits) Batch(IReadOnlyList<string> sentences, double ratio = 1.5, int offset = 10)
    {
        var rows = sentences.Select(s => translator.SourceTokenizer.Encode(s)).ToArray();
        var (src, lengths, _) = Seq2Seq.Data.Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
        var limits = tensor(rows.Select(r => (long)(ratio * r.Length + offset)).ToArray());
        return (src, lengths, limits);
    }

    [Fact]
    public void BeamOfOneIsExactlyGreedy()
    {
        var sentences = TinyModelFixture.Sentences(64, seed: 11);
        var (src, lengths, limits) = Batch(sentences);
        var greedy = GreedySearch.Decode(translator.Model, src, lengths, limits);
        foreach (double alpha in new[] { 0.0, 1.0 })
        {
            var beam = BeamSearch.Decode(translator.Model, src, lengths, limits, beamSize: 1, alpha: alpha);
            for (int i = 0; i < sentences.Count; i++)
            {
                Assert.Equal(greedy[i].Ids, beam[i][0].Ids);
                Assert.Equal(greedy[i].Score, beam[i][0].Score, tolerance: 1e-4);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ABatchDecodesEachSentenceAsItWouldAlone(int beam)
    {
        // Sentences of 1 to 9 words with limits from 2 to 25 subwords finish at very different steps, so finished
        // sentences leave the running batch several times; none of that may change any sentence's result.
        var sentences = TinyModelFixture.Sentences(48, seed: 16);
        var (src, lengths, _) = Batch(sentences);
        var limits = tensor(Enumerable.Range(0, sentences.Count).Select(i => 2L + i % 24).ToArray());
        var batched = Decode(src, lengths, limits);
        for (int i = 0; i < sentences.Count; i++)
        {
            var (one, oneLength, _) = Batch([sentences[i]]);
            var alone = Decode(one, oneLength, limits[i..(i + 1)])[0];
            Assert.Equal(alone.Count, batched[i].Count);
            for (int k = 0; k < alone.Count; k++)
            {
                Assert.Equal(alone[k].Ids, batched[i][k].Ids);
                Assert.Equal(alone[k].Score, batched[i][k].Score, tolerance: 1e-4);
                Assert.Equal(alone[k].Attention!.Length, batched[i][k].Attention!.Length);
                for (int t = 0; t < alone[k].Attention!.Length; t++)
                    Assert.Equal(alone[k].Attention![t], batched[i][k].Attention![t], (x, y) => Math.Abs(x - y) < 1e-5f);
            }
        }

        List<List<Hypothesis>> Decode(Tensor s, Tensor l, Tensor m) => beam == 1
            ? [.. GreedySearch.Decode(translator.Model, s, l, m, keepAttention: true).Select(h => new List<Hypothesis> { h })]
            : BeamSearch.Decode(translator.Model, s, l, m, beam, alpha: 1.0, nBest: beam, keepAttention: true);
    }

    [Fact]
    public void BeamKeepingTheGreedyPathNeverScoresBelowGreedyWithoutLengthPenalty()
    {
        var sentences = TinyModelFixture.Sentences(200, seed: 12);
        var greedy = translator.Translate(sentences, new DecodingOptions { BeamSize = 1 });
        var beam = translator.Translate(sentences, new DecodingOptions { BeamSize = 5, Alpha = 0, KeepGreedyPath = true });
        for (int i = 0; i < sentences.Count; i++)
            Assert.True(beam[i].LogProbability >= greedy[i].LogProbability - 1e-4,
                $"'{sentences[i]}': beam {beam[i].LogProbability} '{beam[i].Text}' < greedy {greedy[i].LogProbability} '{greedy[i].Text}'");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void NBestListsAreSortedAndDistinct(double alpha)
    {
        var sentences = TinyModelFixture.Sentences(50, seed: 13);
        var results = translator.Translate(sentences, new DecodingOptions { BeamSize = 5, NBest = 5, Alpha = alpha });
        foreach (var r in results)
        {
            Assert.InRange(r.NBest.Count, 1, 5);
            Assert.Equal(r.Text, r.NBest[0].Text);
            for (int k = 1; k < r.NBest.Count; k++) Assert.True(r.NBest[k - 1].Score >= r.NBest[k].Score, "n-best not sorted");
            Assert.Equal(r.NBest.Count, r.NBest.Select(h => string.Join(' ', h.Tokens)).Distinct().Count());
            if (alpha == 0)
                foreach (var h in r.NBest) Assert.Equal(h.LogProbability, h.Score, tolerance: 1e-5);
        }
        Assert.Contains(results, r => r.NBest.Count == 5);
    }

    [Fact]
    public void MinimumAndMaximumLengthsHold()
    {
        var sentences = TinyModelFixture.Sentences(30, seed: 14);
        foreach (int beam in new[] { 1, 3 })
        {
            var longer = translator.Translate(sentences, new DecodingOptions { BeamSize = beam, MinLength = 12, MaxLengthRatio = 3, MaxLengthOffset = 20 });
            Assert.All(longer, r => Assert.True(r.Tokens.Count >= 12, $"{r.Tokens.Count} tokens: {r.Text}"));
            var shorter = translator.Translate(sentences, new DecodingOptions { BeamSize = beam, MaxLengthRatio = 0, MaxLengthOffset = 2 });
            Assert.All(shorter, r => Assert.True(r.Tokens.Count <= 2, $"{r.Tokens.Count} tokens: {r.Text}"));
        }
    }

    [Fact]
    public void BatchingBySentencesOrTokensGivesTheSameTranslations()
    {
        var sentences = TinyModelFixture.Sentences(40, seed: 15);
        var one = translator.Translate(sentences, new DecodingOptions { BeamSize = 3, BatchSize = 1 });
        var many = translator.Translate(sentences, new DecodingOptions { BeamSize = 3, BatchSize = 64 });
        var tokens = translator.Translate(sentences, new DecodingOptions { BeamSize = 3, BatchSize = 30, BatchType = BatchType.Tokens });
        Assert.Equal(one.Select(r => r.Text), many.Select(r => r.Text));
        Assert.Equal(one.Select(r => r.Text), tokens.Select(r => r.Text));
    }

    [Fact]
    public void StreamingKeepsLineCountAndOrderAcrossEmptyAndDuplicateLinesAndChunks()
    {
        var lines = TinyModelFixture.Sentences(23, seed: 16);
        lines.Insert(0, "");
        lines.Insert(5, "   ");
        lines.Insert(9, lines[3]);
        lines.Insert(10, lines[3]);
        lines.Add("");
        lines.Insert(7, lines[7]);                 // duplicates straddling the chunk boundary at 7/8
        var options = new DecodingOptions { BeamSize = 2 };
        var streamed = translator.TranslateStream(lines, options, chunkSize: 8).ToList();
        Assert.Equal(lines.Count, streamed.Count);
        for (int i = 0; i < lines.Count; i++)
        {
            var alone = translator.Translate([lines[i]], options)[0];
            Assert.Equal(alone.Text, streamed[i].Text);
            Assert.Equal(alone.LogProbability, streamed[i].LogProbability, tolerance: 1e-4);
            if (string.IsNullOrWhiteSpace(lines[i])) Assert.Equal("", streamed[i].Text);
        }
    }

    [Fact]
    public void AlignmentsHaveValidIndicesAndOneLinkPerTargetWord()
    {
        var sentences = TinyModelFixture.Sentences(40, seed: 17);
        sentences.Add("chat  rouge ");                // empty words from repeated and trailing spaces
        foreach (int beam in new[] { 1, 4 })
        {
            var results = translator.Translate(sentences, new DecodingOptions { BeamSize = beam, KeepAttention = true });
            for (int i = 0; i < sentences.Count; i++)
            {
                var r = results[i];
                int srcWords = sentences[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                int trgWords = r.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                Assert.NotNull(r.Attention);
                Assert.Equal(r.SourceTokens.Count + 1, r.Attention![0].Length);
                Assert.InRange(r.Attention.Length, r.Tokens.Count, r.Tokens.Count + 1);
                foreach (var row in r.Attention) Assert.Equal(1f, row.Sum(), 3);
                var links = r.Alignment();
                Assert.Equal(Enumerable.Range(0, trgWords), links.Select(l => l.Target));
                Assert.All(links, l => Assert.InRange(l.Source, 0, srcWords - 1));
            }
        }
    }

    [Fact]
    public void HostileLinesEachGiveOneTranslation()
    {
        string longLine = string.Join(' ', Enumerable.Repeat("chat rouge", 10_000));      // 100,000 characters
        string noSpaces = new('x', 100_000);
        string[] lines = [longLine, noSpaces, "日本語 ☃ 𝄞", "\u0001\u0002\t\u007f\r\u0000", "\uFFFD\uFFFD", "", "chat"];
        foreach (int beam in new[] { 1, 3 })
        {
            var results = translator.Translate(lines, new DecodingOptions { BeamSize = beam, MaxSourceLength = 100, KeepAttention = true });
            Assert.Equal(lines.Length, results.Count);
            Assert.True(results[0].SourceTruncated);
            Assert.Equal(100, results[0].SourceTokens.Count);
            Assert.True(results[1].SourceTruncated);
            Assert.All(results, r => Assert.DoesNotContain('\n', r.Text));
            Assert.All(results, r => r.Alignment());
        }
    }

    [Fact]
    public void BadOptionsAreUserErrors()
    {
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { BeamSize = 2, NBest = 3 }));
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { BeamSize = 0 }));
        Assert.Throws<UserErrorException>(() => translator.Translate(["chat"], new DecodingOptions { Alpha = -1 }));
    }
}
