using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Inference;

/// <summary>
/// Decoding over a vocabulary shortlist: built from the tiny model's corpus, read back, and decoded with. The model is
/// barely trained, so its outputs run long over many different tokens: a shortlist that failed to restrict or to map
/// positions back to ids would show.
/// </summary>
[Collection(TorchCollection.Name)]
public class ShortlistTests(BarelyTrainedModelFixture fixture) : IClassFixture<BarelyTrainedModelFixture>
{
    private readonly Translator translator = fixture.Translator;

    private Shortlist WholeVocabulary() => Shortlist.Create(translator.SourceTokenizer, translator.TargetTokenizer,
        [.. Enumerable.Range(TextTokenizer.EosId + 1, translator.TargetTokenizer.VocabSize - TextTokenizer.EosId - 1)],
        [.. Enumerable.Range(0, translator.SourceTokenizer.VocabSize).Select(_ => Array.Empty<int>())]);

    [Theory]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(1, false)]
    [InlineData(4, false)]
    public void AShortlistOfTheWholeVocabularyGivesExactlyTheExactOutputs(int beam, bool fastPaths)
    {
        using var t = Translator.Load(fixture.ModelDir, "cpu", fastPaths: fastPaths);
        var sentences = TinyModelFixture.Sentences(60, seed: 21);
        var options = t.DefaultOptions with { BeamSize = beam, NBest = beam, BatchSize = 16, MinLength = 4 }; // outputs of 4+ tokens
        var exact = t.Translate(sentences, options);
        var listed = t.Translate(sentences, options with { Shortlist = WholeVocabulary() });
        Assert.True(exact.Sum(r => r.Tokens.Count) >= 4 * sentences.Count, "outputs too short to compare");
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(exact[i].NBest.Select(h => h.Text), listed[i].NBest.Select(h => h.Text));
            Assert.Equal(exact[i].NBest.Select(h => h.Score), listed[i].NBest.Select(h => h.Score));
        }
    }

    private (Tensor Src, Tensor Lengths, Tensor Limits, int[][] Rows) Batch(IReadOnlyList<string> sentences)
    {
        var rows = sentences.Select(s => translator.SourceTokenizer.Encode(s)).ToArray();
        var (src, lengths, _) = Seq2Seq.Data.Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
        return (src, lengths, tensor(rows.Select(r => (long)(1.5 * r.Length + 10)).ToArray()), rows);
    }

    [Fact]
    public void EveryOutputIdIsInTheBatchsListAndBeamOfOneEqualsGreedy()
    {
        // Two target tokens per source token and no frequent ones: a list far smaller than the vocabulary.
        var shortlist = ShortlistBuilder.FromModel(fixture.ModelDir, perSource: 2, frequent: 0);
        var sentences = TinyModelFixture.Sentences(40, seed: 22);
        var (src, lengths, limits, rows) = Batch(sentences);
        var ids = shortlist.IdsFor(rows, CPU);
        Assert.True(ids.shape[0] < translator.TargetTokenizer.VocabSize, $"{ids.shape[0]} ids: not a shortlist");
        var allowed = ids.data<long>().Select(id => (int)id).ToHashSet();
        using var subset = translator.Stepper.Subset(ids);
        var greedy = GreedySearch.Decode(translator.Model, src, lengths, limits, minLength: 4, stepper: translator.Stepper, subset: subset);
        var beam1 = BeamSearch.Decode(translator.Model, src, lengths, limits, beamSize: 1, alpha: 1.0, minLength: 4, stepper: translator.Stepper, subset: subset);
        var beam4 = BeamSearch.Decode(translator.Model, src, lengths, limits, beamSize: 4, alpha: 1.0, nBest: 4, minLength: 4, stepper: translator.Stepper, subset: subset);
        Assert.True(greedy.Sum(h => h.Ids.Length) >= 2 * sentences.Count, $"outputs too short to check: {greedy.Sum(h => h.Ids.Length)}");
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.All(greedy[i].Ids, id => Assert.Contains(id, allowed));
            Assert.All(beam4[i].SelectMany(h => h.Ids), id => Assert.Contains(id, allowed));
            Assert.Equal(greedy[i].Ids, beam1[i][0].Ids);
            Assert.Equal(greedy[i].Score, beam1[i][0].Score, tolerance: 1e-4);
        }
    }

    [Fact]
    public void TheBuiltShortlistListsEachWordsTranslationFirst()
    {
        // The tiny corpus translates word by word (reversed), so Model 1 finds each French word's English word.
        var shortlist = ShortlistBuilder.FromModel(fixture.ModelDir, perSource: 3, frequent: 0);
        var src = translator.SourceTokenizer;
        var trg = translator.TargetTokenizer;
        string[] english = ["moon", "sun", "cat", "dog", "tree", "house", "red", "green", "small", "big", "sea", "wind"];
        for (int w = 0; w < english.Length; w++)
        {
            var srcIds = src.Encode(TinyModelFixture.Words[w]);
            var trgIds = trg.Encode(english[w]);
            if (srcIds.Length != 1 || trgIds.Length != 1) continue;                 // words split into several subwords
            Assert.Equal(trgIds[0], shortlist.BySource[srcIds[0]][0]);
        }
    }

    [Fact]
    public void AShortlistReadsBackAsWritten()
    {
        var shortlist = ShortlistBuilder.FromModel(fixture.ModelDir);
        string path = Path.Combine(TestPaths.NewTempDir(), "shortlist.txt");
        shortlist.Save(path);
        var read = Shortlist.Load(path);
        Assert.Equal(shortlist.SourceFingerprint, read.SourceFingerprint);
        Assert.Equal(shortlist.TargetFingerprint, read.TargetFingerprint);
        Assert.Equal(shortlist.Frequent, read.Frequent);
        Assert.Equal(shortlist.BySource, read.BySource);
    }

    [Fact]
    public void TheCliBuildsAShortlistAndRefusesAnotherVocabularysOrABrokenFile()
    {
        string dir = TestPaths.NewTempDir();
        string input = Path.Combine(dir, "in.fr");
        File.WriteAllLines(input, TinyModelFixture.Sentences(20, seed: 24));
        string own = Path.Combine(dir, "own.txt");
        var built = Robustness.Cli.Run(dir, "shortlist", "--model", fixture.ModelDir, "--output", own);
        Assert.True(built.Code == 0, built.Err);
        var listed = Robustness.Cli.Run(dir, "translate", "--model", fixture.ModelDir, "--input", input, "--min-length", "3", "--shortlist", own);
        Assert.True(listed.Code == 0, listed.Err);
        Assert.Equal(20, listed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var library = fixture.Translator.Translate(File.ReadAllLines(input),
            fixture.Translator.DefaultOptions with { MinLength = 3, Shortlist = fixture.Translator.LoadShortlist(own) });
        Assert.Equal(string.Concat(library.Select(t => t.Text + "\n")), listed.Out);

        // Built for vocabularies of another size: another model's.
        var trainFr = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(fixture.ModelDir)!, "train.fr"));
        var trainEn = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(fixture.ModelDir)!, "train.en"));
        var otherSrc = SubwordTokenizer.Learn(trainFr, 40);
        var otherTrg = SubwordTokenizer.Learn(trainEn, 40);
        string other = Path.Combine(dir, "other.txt");
        ShortlistBuilder.Build(otherSrc, otherTrg, [.. trainFr.Select(otherSrc.Encode)], [.. trainEn.Select(otherTrg.Encode)]).Save(other);
        string error = Robustness.Cli.AssertUserError(Robustness.Cli.Run(dir, "translate", "--model", fixture.ModelDir, "--input", input, "--shortlist", other));
        Assert.Contains(other, error);
        Assert.Contains("vocabulary", error);

        string broken = Path.Combine(dir, "broken.txt");
        var lines = File.ReadAllLines(own);
        lines[6] = "3\tnot-an-id";
        File.WriteAllLines(broken, lines);
        error = Robustness.Cli.AssertUserError(Robustness.Cli.Run(dir, "translate", "--model", fixture.ModelDir, "--input", input, "--shortlist", broken));
        Assert.Contains($"{broken}:7:", error);

        error = Robustness.Cli.AssertUserError(Robustness.Cli.Run(dir, "shortlist", "--model", fixture.ModelDir, "--output", own));
        Assert.Contains("--overwrite", error);
    }
}
