using System.Diagnostics;
using Microsoft.ML.Tokenizers;
using Seq2Seq.Text;
using Xunit.Abstractions;

namespace Seq2Seq.Tests.Text;

public sealed class SubwordTokenizerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seq2seq-bpe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Odd spacing, punctuation, accents, a tab, a surrogate pair, a literal special token.
    private static readonly string[] SmallCorpus =
    [
        "Un homme en t-shirt rouge joue de la guitare.",
        "  Deux enfants jouent dans l'eau ,  près d'une maison .",
        "Une femme âgée lit un journal à côté d'un café.   ",
        "Élève, garçon, cœur, naïve, Noël ; « citation » !",
        "A man\tin a red shirt plays the guitar.",
        "Two dogs run through the snow 🐕 quickly...",
        "He said \"hello\" and <s> is just text here (really).",
        " ",
        "",
        "Un homme en t-shirt bleu joue de la batterie.",
        "Des enfants jouent près de la maison.",
    ];

    [Fact]
    public void RoundTripIsExactForOddSpacingPunctuationAndAccents()
    {
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        string[] extra =
        [
            "joue   la guitare",
            "   ",
            "é",
            " maison ",
            "«naïve»\t\tcœur🐕🐕",
            "<s> <unk> <s>",
        ];
        foreach (string line in SmallCorpus.Concat(extra))
        {
            int[] ids = tokenizer.Encode(line);
            Assert.DoesNotContain(SubwordTokenizer.UnkId, ids);
            Assert.Equal(line, tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void WordStartsMatchSpaceSeparatedWords()
    {
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        foreach (string line in SmallCorpus.Where(l => l.Length > 0).Append("Deux  garçons "))
        {
            int[] ids = tokenizer.Encode(line);
            Assert.Equal(line.Split(' ').Length, ids.Count(tokenizer.StartsWord));
            Assert.True(tokenizer.StartsWord(ids[0]));
        }

        Assert.False(tokenizer.StartsWord(SubwordTokenizer.BosId));
        Assert.False(tokenizer.StartsWord(SubwordTokenizer.UnkId));
        Assert.Empty(tokenizer.Encode(""));
        Assert.Equal("", tokenizer.Decode([]));
    }

    [Fact]
    public void UnseenCharactersBecomeUnk()
    {
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        int[] ids = tokenizer.Encode("homme ж");
        Assert.Equal(SubwordTokenizer.UnkId, ids[^1]);
        Assert.Equal(1, ids.Count(id => id == SubwordTokenizer.UnkId));
        Assert.Equal("homme <unk>", tokenizer.Decode(ids));

        // Two unseen characters give two unk ids (not fused); the marker itself is never a vocabulary character.
        Assert.Equal(2, tokenizer.Encode("жж").Count(id => id == SubwordTokenizer.UnkId));
        Assert.Equal(1, tokenizer.Encode("a\u2581b").Count(id => id == SubwordTokenizer.UnkId));
    }

    [Fact]
    public void DecodeSkipsPadBosEos()
    {
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        int[] ids = tokenizer.Encode("Un homme joue.");
        int[] framed = [SubwordTokenizer.BosId, .. ids, SubwordTokenizer.EosId, SubwordTokenizer.PadId, SubwordTokenizer.PadId];
        Assert.Equal("Un homme joue.", tokenizer.Decode(framed));
        Assert.Equal("<s>", tokenizer.IdToToken(SubwordTokenizer.BosId));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([tokenizer.VocabSize]));
    }

    [Fact]
    public void VocabSizeIsRespectedAndSpecialsComeFirst()
    {
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 120, minFrequency: 1);
        Assert.Equal(120, tokenizer.VocabSize);
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>"], Enumerable.Range(0, 4).Select(tokenizer.IdToToken));

        // minFrequency stops merging before the size is reached.
        SubwordTokenizer frequentOnly = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 10_000, minFrequency: 3);
        Assert.True(frequentOnly.VocabSize < 10_000);

        // Characters are always kept, even when they alone exceed the size.
        SubwordTokenizer tiny = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 5, minFrequency: 1);
        Assert.Equal(0, tiny.MergeCount);
        Assert.All(SmallCorpus, line => Assert.Equal(line, tiny.Decode(tiny.Encode(line))));
    }

    [Fact]
    public void LearningIsDeterministic()
    {
        SubwordTokenizer first = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        SubwordTokenizer second = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        first.Save(_dir, "a");
        second.Save(_dir, "b");
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a.vocab.json")), File.ReadAllBytes(Path.Combine(_dir, "b.vocab.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a.merges.txt")), File.ReadAllBytes(Path.Combine(_dir, "b.merges.txt")));
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalIds()
    {
        SubwordTokenizer learned = SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1);
        string modelDir = Path.Combine(_dir, "model");
        learned.Save(modelDir, "src");
        Assert.Equal(["src.merges.txt", "src.vocab.json"], Directory.GetFiles(modelDir).Select(Path.GetFileName).Order());

        SubwordTokenizer loaded = SubwordTokenizer.Load(modelDir, "src");
        Assert.Equal(learned.VocabSize, loaded.VocabSize);
        foreach (string line in SmallCorpus.Append("ж inconnu"))
        {
            Assert.Equal(learned.Encode(line), loaded.Encode(line));
        }

        // The files are in the standard format that Microsoft.ML.Tokenizers reads on its own.
        BpeTokenizer plain = BpeTokenizer.Create(Path.Combine(modelDir, "src.vocab.json"), Path.Combine(modelDir, "src.merges.txt"));
        Assert.Equal(learned.VocabSize, plain.Vocabulary.Count);

        learned.Save(modelDir, "src"); // overwriting works too
        Assert.Equal(2, Directory.GetFiles(modelDir).Length);
    }

    [Fact]
    public void CorruptOrMissingFilesGiveUserErrorsNamingTheFile()
    {
        SubwordTokenizer.Learn(SmallCorpus, vocabSize: 150, minFrequency: 1).Save(_dir, "trg");
        string vocab = Path.Combine(_dir, "trg.vocab.json");
        string merges = Path.Combine(_dir, "trg.merges.txt");

        var missing = Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "nope"));
        Assert.Contains(Path.Combine(_dir, "nope.vocab.json"), missing.Message);

        string goodMerges = File.ReadAllText(merges);
        File.AppendAllText(merges, "not-a-token other\n");
        var badMerge = Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "trg"));
        Assert.Contains(merges, badMerge.Message);
        File.WriteAllText(merges, goodMerges + "three parts here\n");
        Assert.Contains(merges, Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "trg")).Message);

        File.WriteAllText(vocab, "{\"<pad>\": 0, \"<unk>\": 1, ");
        var corrupt = Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "trg"));
        Assert.Contains(vocab, corrupt.Message);

        File.WriteAllText(vocab, "{\"<pad>\": 0, \"<unk>\": 1, \"<s>\": 2, \"</s>\": 3, \"a\": 7}");
        Assert.Contains(vocab, Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "trg")).Message);
    }

    [SkippableFact]
    public void RoundTripOverTheWholeMulti30kTrainingCorpus()
    {
        string? root = RepoRoot();
        string data = root is null ? "" : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "multi30k"));
        Skip.IfNot(root is not null && Directory.Exists(data), $"Multi30k not found at ../shared/data/multi30k (looked for {data})");

        foreach (string language in new[] { "fr", "en" })
        {
            string[] lines = File.ReadAllLines(Path.Combine(data, $"train.{language}"));
            var clock = Stopwatch.StartNew();
            SubwordTokenizer tokenizer = SubwordTokenizer.Learn(lines, vocabSize: 8000);
            TimeSpan learn = clock.Elapsed;
            clock.Restart();
            int[][] encoded = [.. lines.Select(tokenizer.Encode)];
            TimeSpan encode = clock.Elapsed;
            output.WriteLine($"train.{language}: {lines.Length} lines, vocab {tokenizer.VocabSize}, learn {learn.TotalSeconds:F2}s, " +
                $"encode {encode.TotalSeconds:F2}s, {encoded.Sum(e => e.Length)} subwords");

            Assert.Equal(8000, tokenizer.VocabSize);
            for (int i = 0; i < lines.Length; i++)
            {
                Assert.DoesNotContain(SubwordTokenizer.UnkId, encoded[i]);
                Assert.Equal(lines[i], tokenizer.Decode(encoded[i]));
                if (lines[i].Length > 0)
                {
                    Assert.Equal(lines[i].Split(' ').Length, encoded[i].Count(tokenizer.StartsWord));
                }
            }
        }
    }

    /// <summary>The folder holding Seq2Seq.sln, found by walking up from the test assembly; null if none.</summary>
    private static string? RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
