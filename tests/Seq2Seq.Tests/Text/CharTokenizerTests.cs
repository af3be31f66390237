using Seq2Seq.ModelStore;
using Seq2Seq.Text;

namespace Seq2Seq.Tests.Text;

public sealed class CharTokenizerTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Odd spacing, punctuation, accents (precomposed and combining), a tab, emoji (surrogate pairs), quotes, a literal special token.
    private static readonly string[] Corpus =
    [
        "Un homme en t-shirt rouge joue de la guitare.",
        "  Deux enfants jouent dans l'eau ,  près d'une maison .",
        "Une femme âgée lit un journal à côté d'un café.   ",
        "Élève, garçon, cœur, naïve, Noël ; « citation » !",
        "A man\tin a red shirt plays the guitar: 42 % (really) ?",
        "Two dogs 🐕🐕 run through the snow... e\u0301 👍🏽",
        "He said \"hello\" and <s> is just text here.",
    ];

    [Fact]
    public void RoundTripIsExactForAnyTextOverTheTrainingCharacters()
    {
        string[] lines =
        [
            .. Corpus,
            "",
            " ",
            "     ",
            "  leading and trailing  ",
            "a  b   c    d",
            "«naïve»\t\tcœur🐕🐕 !!",
            "<s> <unk> </s> <pad>",
            "e\u0301e\u0301 👍🏽👍🏽",
        ];
        var tokenizer = CharTokenizer.Learn(lines, vocabSize: 1000, minFrequency: 1);
        foreach (string line in lines)
        {
            int[] ids = tokenizer.Encode(line);
            Assert.DoesNotContain(TextTokenizer.UnkId, ids);
            Assert.Equal(line, tokenizer.Decode(ids));
        }

        // Random strings over the training alphabet, spaces in every position and number.
        string alphabet = string.Concat(Corpus);
        var rng = new Random(11);
        for (int n = 0; n < 200; n++)
        {
            var chars = new List<char>();
            int length = rng.Next(0, 40);
            while (chars.Count < length)
            {
                int i = rng.Next(alphabet.Length);
                if (char.IsLowSurrogate(alphabet[i])) continue;
                chars.Add(alphabet[i]);
                if (char.IsHighSurrogate(alphabet[i])) chars.Add(alphabet[i + 1]);
                if (rng.Next(4) == 0) chars.Add(' ');
            }
            string text = new([.. chars]);
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }
    }

    [Fact]
    public void EveryCharacterIsOneTokenAndASpaceIsTheVisibleMarker()
    {
        var tokenizer = CharTokenizer.Learn(Corpus, vocabSize: 1000, minFrequency: 1);
        Assert.Equal(TokenLevel.Char, tokenizer.Level);
        string[] tokens = Array.ConvertAll(tokenizer.Encode(" a  é🐕e\u0301."), tokenizer.IdToToken);
        Assert.Equal(["▁", "a", "▁", "▁", "é", "🐕", "e", "\u0301", "."], tokens);
        Assert.Empty(tokenizer.Encode(""));
        Assert.Equal("", tokenizer.Decode([]));

        // Specials are skipped on decoding, as for BPE.
        int[] ids = tokenizer.Encode("an");
        Assert.Equal("an", tokenizer.Decode([TextTokenizer.BosId, .. ids, TextTokenizer.EosId, TextTokenizer.PadId]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([tokenizer.VocabSize]));
    }

    [Fact]
    public void UnseenCharactersBecomeOneUnkEach()
    {
        var tokenizer = CharTokenizer.Learn(Corpus, vocabSize: 1000, minFrequency: 1);
        int[] ids = tokenizer.Encode("homme жж");
        Assert.Equal([TextTokenizer.UnkId, TextTokenizer.UnkId], ids[^2..]);
        Assert.Equal(2, ids.Count(id => id == TextTokenizer.UnkId));
        Assert.Equal("homme <unk><unk>", tokenizer.Decode(ids));

        // A literal ▁ would read back as a space, and a lone surrogate is no text: both are unknown.
        Assert.Equal([tokenizer.Encode("a")[0], TextTokenizer.UnkId, tokenizer.Encode("b")[0]], tokenizer.Encode("a\u2581b"));
        Assert.Equal(TextTokenizer.UnkId, tokenizer.Encode("\uD83D")[0]);
        Assert.Single(tokenizer.Encode("🦀"));                // an unseen emoji is one unknown character, not two
    }

    [Fact]
    public void MinFrequencyAndTheSizeLimitKeepTheMostFrequentCharacters()
    {
        string[] lines = ["aaaa bbb cc d", "aa b"];        // a 6, b 4, ▁ 4, c 2, d 1
        var all = CharTokenizer.Learn(lines, vocabSize: 100, minFrequency: 1);
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "a", "b", "▁", "c", "d"], Tokens(all));   // by count, ties in ordinal order

        var frequent = CharTokenizer.Learn(lines, vocabSize: 100, minFrequency: 2);
        Assert.Equal(["a", "b", "▁", "c"], Tokens(frequent)[4..]);
        Assert.Equal("a<unk>", frequent.Decode(frequent.Encode("ad")));

        var capped = CharTokenizer.Learn(lines, vocabSize: 6, minFrequency: 1);
        Assert.Equal(["a", "b"], Tokens(capped)[4..]);
        Assert.Equal("ab<unk><unk>", capped.Decode(capped.Encode("ab c")));
        Assert.Throws<ArgumentOutOfRangeException>(() => CharTokenizer.Learn(lines, vocabSize: 4));
    }

    [Fact]
    public void SaveAndLoadThroughAModelDirectoryWriteTheVocabularyOnly()
    {
        var tokenizer = CharTokenizer.Learn(Corpus, vocabSize: 1000, minFrequency: 1);
        tokenizer.Save(_dir, ModelDirectory.SourcePrefix);
        Assert.Equal(["src.vocab.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));

        var loaded = TextTokenizer.Load(TokenLevel.Char, _dir, ModelDirectory.SourcePrefix);
        Assert.IsType<CharTokenizer>(loaded);
        Assert.Equal(Tokens(tokenizer), Tokens(loaded));
        foreach (string line in Corpus.Append("  ж 🐕  "))
            Assert.Equal(tokenizer.Encode(line), loaded.Encode(line));
    }

    [Fact]
    public void AVocabularyOfAnotherLevelIsACorruptCharacterVocabulary()
    {
        SubwordTokenizer.Learn(Corpus, vocabSize: 150, minFrequency: 1).Save(_dir, "trg");
        var e = Assert.Throws<UserErrorException>(() => CharTokenizer.Load(_dir, "trg"));
        Assert.Contains(Path.Combine(_dir, "trg.vocab.json"), e.Message);
        Assert.Contains("is not one character", e.Message);
        var missing = Assert.Throws<UserErrorException>(() => CharTokenizer.Load(_dir, "src"));
        Assert.Contains("src.vocab.json", missing.Message);
    }

    private static string[] Tokens(TextTokenizer t) => [.. Enumerable.Range(0, t.VocabSize).Select(t.IdToToken)];
}
