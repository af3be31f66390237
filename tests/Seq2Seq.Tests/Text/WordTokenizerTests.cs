using Seq2Seq.Data;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;

namespace Seq2Seq.Tests.Text;

public sealed class WordTokenizerTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // the 5, cat 3, sleeps 2, dog 2, a 1, sleeps. 1
    private static readonly string[] Corpus =
    [
        "the cat sleeps",
        "the dog sleeps",
        "the cat  and\tthe dog",
        "the cat sleeps.",
        "a",
    ];

    [Fact]
    public void MinFrequencyKeepsTheWordsSeenOftenEnoughAndTheRestIsUnk()
    {
        var tokenizer = WordTokenizer.Learn(Corpus, vocabSize: 100, minFrequency: 2);
        Assert.Equal(TokenLevel.Word, tokenizer.Level);
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "the", "cat", "dog", "sleeps"], Tokens(tokenizer));   // by count, ties in ordinal order

        int[] ids = tokenizer.Encode("the cat sleeps. a zebra");
        Assert.Equal(3, ids.Count(id => id == TextTokenizer.UnkId));     // "sleeps." once, "a" once, "zebra" never
        Assert.Equal("the cat <unk> <unk> <unk>", tokenizer.Decode(ids));

        var all = WordTokenizer.Learn(Corpus, vocabSize: 100, minFrequency: 1);
        Assert.Equal(["the", "cat", "dog", "sleeps", "a", "and", "sleeps."], Tokens(all)[4..]);
        Assert.DoesNotContain(TextTokenizer.UnkId, all.Encode("the cat sleeps. a"));
    }

    [Fact]
    public void TheSizeLimitKeepsTheMostFrequentWords()
    {
        var capped = WordTokenizer.Learn(Corpus, vocabSize: 6, minFrequency: 1);
        Assert.Equal(["the", "cat"], Tokens(capped)[4..]);
        Assert.Equal("the cat <unk>", capped.Decode(capped.Encode("the cat dog")));
        Assert.Throws<ArgumentOutOfRangeException>(() => WordTokenizer.Learn(Corpus, vocabSize: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => WordTokenizer.Learn(Corpus, vocabSize: 10, minFrequency: 0));
    }

    [Fact]
    public void KnownWordTextRoundTripsAndOtherSpacingIsNormalised()
    {
        var tokenizer = WordTokenizer.Learn(Corpus, vocabSize: 100, minFrequency: 1);
        foreach (string line in new[] { "the cat sleeps", "a dog and the cat sleeps.", "the" })
        {
            int[] ids = tokenizer.Encode(line);
            Assert.Equal(line.Split(' ').Length, ids.Length);
            Assert.Equal(line.Split(' '), Array.ConvertAll(ids, tokenizer.IdToToken));
            Assert.Equal(line, tokenizer.Decode(ids));
        }

        Assert.Equal("the cat", tokenizer.Decode(tokenizer.Encode("  the \t cat\u00A0 ")));
        Assert.Empty(tokenizer.Encode("   "));
        Assert.Equal("the cat", tokenizer.Decode([TextTokenizer.BosId, .. tokenizer.Encode("the cat"), TextTokenizer.EosId, TextTokenizer.PadId]));
    }

    [Fact]
    public void WordsSpelledLikeSpecialTokensAreNeverVocabulary()
    {
        string[] lines = ["<s> x </s> x <pad> <unk>", "<s> x"];
        var tokenizer = WordTokenizer.Learn(lines, vocabSize: 100, minFrequency: 1);
        Assert.Equal(["x"], Tokens(tokenizer)[4..]);
        Assert.Equal([TextTokenizer.UnkId, 4, TextTokenizer.UnkId], tokenizer.Encode("<s> x </s>"));
    }

    [Fact]
    public void SaveAndLoadThroughAModelDirectoryWriteTheVocabularyOnly()
    {
        var tokenizer = WordTokenizer.Learn(Corpus, vocabSize: 100, minFrequency: 1);
        tokenizer.Save(_dir, ModelDirectory.TargetPrefix);
        Assert.Equal(["trg.vocab.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));

        var loaded = TextTokenizer.Load(TokenLevel.Word, _dir, ModelDirectory.TargetPrefix);
        Assert.IsType<WordTokenizer>(loaded);
        Assert.Equal(Tokens(tokenizer), Tokens(loaded));
        foreach (string line in Corpus.Append("zebra the"))
            Assert.Equal(tokenizer.Encode(line), loaded.Encode(line));

        File.WriteAllText(Path.Combine(_dir, "src.vocab.json"), """{"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3, "two words": 4}""");
        var e = Assert.Throws<UserErrorException>(() => WordTokenizer.Load(_dir, "src"));
        Assert.Contains("src.vocab.json", e.Message);
        Assert.Contains("\"two words\"", e.Message);
    }

    [Fact]
    public void CorpusReportCountsTheUnknownTokensOfEachSide()
    {
        // Source words seen at least twice: the, cat. Target characters seen at least twice: a, b, ▁.
        var src = WordTokenizer.Learn(["the cat", "the dog", "the cat runs"], vocabSize: 100, minFrequency: 2);
        var trg = CharTokenizer.Learn(["ab", "a b", "ab c"], vocabSize: 100, minFrequency: 2);
        string root = TestPaths.NewTempDir();
        File.WriteAllLines(Path.Combine(root, "dev.fr"), ["the cat", "a dog runs", "", "the the the the"]);
        File.WriteAllLines(Path.Combine(root, "dev.en"), ["abc", "ba", "x", "aa bb"]);
        var dev = ParallelCorpus.Read(Path.Combine(root, "dev"), "fr", "en", lowercase: false);

        var report = dev.Encode(src, trg, maxLength: 0).Report;

        // Kept pairs 1, 2 and 4 (3 is empty on the source side).
        Assert.Equal((4, 3, 1, 0), (report.Read, report.Kept, report.SkippedEmpty, report.SkippedTooLong));
        Assert.Equal((9L, 3L), (report.SourceTokens, report.SourceUnknown));        // 2 + 3 + 4 words; a, dog, runs unknown
        Assert.Equal((10L, 1L), (report.TargetTokens, report.TargetUnknown));       // 3 + 2 + 5 characters; c unknown
        Assert.Equal(3.0 / 9, report.SourceUnknownShare, 12);
        Assert.Equal(1.0 / 10, report.TargetUnknownShare, 12);

        // The length filter counts tokens of each side's level: "the the the the" is 4 words, "aa bb" 5 characters.
        var filtered = dev.Encode(src, trg, maxLength: 3).Report;
        Assert.Equal((2, 1), (filtered.Kept, filtered.SkippedTooLong));
    }

    private static string[] Tokens(TextTokenizer t) => [.. Enumerable.Range(0, t.VocabSize).Select(t.IdToToken)];
}
