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
    public void LineBreaksAndLiteralMarkersNeverEnterTheVocabulary()
    {
        string[] lines = ["a\rb a\u2581b a\nb", "a\rb a\u2581b a\nb", "ab ab"];
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(lines, vocabSize: 100, minFrequency: 1);
        string[] tokens = [.. Enumerable.Range(0, tokenizer.VocabSize).Select(tokenizer.IdToToken)];
        Assert.DoesNotContain(tokens, t => t.Contains('\r') || t.Contains('\n') || t.IndexOf('\u2581', 1) >= 0);
        Assert.Equal(3, tokenizer.Encode(lines[0]).Count(id => id == SubwordTokenizer.UnkId));

        // merges.txt is line based: what was learned must load back.
        tokenizer.Save(_dir, "odd");
        Assert.Equal(tokenizer.Encode(lines[0]), SubwordTokenizer.Load(_dir, "odd").Encode(lines[0]));
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
    public void MergesNeverGluePunctuationOrDigitsToWords()
    {
        string[] corpus = [.. Enumerable.Repeat("the dog. the dog, the dog! 42dogs 42 dogs", 20)];
        SubwordTokenizer tokenizer = SubwordTokenizer.Learn(corpus, vocabSize: 60, minFrequency: 2);
        string Pieces(string text) => string.Join(' ', tokenizer.Encode(text).Select(tokenizer.IdToToken));
        Assert.Equal("▁the ▁dog .", Pieces("the dog."));
        Assert.Equal("▁dog , ▁dog !", Pieces("dog, dog!"));
        Assert.Equal("▁42 dogs", Pieces("42dogs"));
        Assert.Equal("the dog. 42dogs", tokenizer.Decode(tokenizer.Encode("the dog. 42dogs")));
        Assert.All(Enumerable.Range(SubwordTokenizer.SpecialTokens.Count, tokenizer.VocabSize - SubwordTokenizer.SpecialTokens.Count).Select(tokenizer.IdToToken),
            t => Assert.False(t.Any(char.IsLetter) && t.Any(c => char.IsPunctuation(c) || char.IsDigit(c)), $"mixed entry {t}"));
    }

    [Fact]
    public void MergesLearnedWithinWholeWordsKeepBeingAppliedThatWay()
    {
        // A model directory from before punctuation was split off: its merges.txt has the plain header, and
        // merges that cross into punctuation ("g" + "." here) must still apply.
        string dir = Path.Combine(_dir, "old");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "src.vocab.json"),
            """{"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3, ".": 4, "d": 5, "g": 6, "o": 7, "▁": 8, "▁d": 9, "g.": 10, "▁do": 11, "▁dog.": 12}""");
        File.WriteAllText(Path.Combine(dir, "src.merges.txt"), "#version: 0.2\n▁ d\ng .\n▁d o\n▁do g.\n");
        SubwordTokenizer old = SubwordTokenizer.Load(dir, "src");
        Assert.Equal([12], old.Encode("dog."));
        old.Save(dir, "again");
        Assert.Equal([12], SubwordTokenizer.Load(dir, "again").Encode("dog."));

        SubwordTokenizer current = SubwordTokenizer.Learn(["dog. dog."], vocabSize: 20, minFrequency: 1);
        current.Save(dir, "new");
        Assert.Equal("#version: 0.2 split=scripts", File.ReadLines(Path.Combine(dir, "new.merges.txt")).First());
        Assert.Equal(current.Encode("dog. dog"), SubwordTokenizer.Load(dir, "new").Encode("dog. dog"));
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

        File.WriteAllText(vocab, "{\"<pad>\": 0, \"<unk>\": 1, \"<s>\": 2, \"</s>\": 3, \"a\": 4, \"a\": 5}");
        Assert.Contains(vocab, Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "trg")).Message);

        File.WriteAllText(vocab, "[1, 2, 3]");
        Assert.Contains(vocab, Assert.Throws<UserErrorException>(() => SubwordTokenizer.Load(_dir, "trg")).Message);
    }

    [Fact]
    public void IncrementalLearnerMakesTheSameMergesAsTheTextbookOne()
    {
        // Repeated letters ("aaaa", "abab") exercise overlapping pairs; a small alphabet gives many ties.
        string[] words = ["aaaa", "abab", "baba", "ab", "ba", "aab", "bba", "abba", "a", "b", "ca", "cab", "acbca", "bc", "aaab"];
        var random = new Random(7);
        string[] lines = [.. Enumerable.Range(0, 300).Select(_ =>
            string.Join(" ", Enumerable.Range(0, random.Next(1, 8)).Select(_ => words[(int)(words.Length * Math.Pow(random.NextDouble(), 2))])))];

        foreach (int minFrequency in new[] { 1, 5 })
        {
            SubwordTokenizer learned = SubwordTokenizer.Learn(lines, vocabSize: 200, minFrequency);
            learned.Save(_dir, "fast");
            string[] merges = [.. File.ReadLines(Path.Combine(_dir, "fast.merges.txt")).Skip(1)];
            (List<string> expectedVocab, List<string> expectedMerges) = TextbookBpe(lines, 200, minFrequency);
            Assert.True(merges.Length > 10);
            Assert.Equal(expectedMerges, merges);
            Assert.Equal(expectedVocab, Enumerable.Range(0, learned.VocabSize).Select(learned.IdToToken));
            Assert.All(lines, line => Assert.Equal(line, learned.Decode(learned.Encode(line))));
        }
    }

    /// <summary>Recounts every pair after every merge: slow, obviously right, same tie-break (smaller ids first).</summary>
    private static (List<string> Vocab, List<string> Merges) TextbookBpe(string[] lines, int vocabSize, int minFrequency)
    {
        var counts = new Dictionary<string, int>();
        foreach (string word in lines.Where(l => l.Length > 0).SelectMany(l => l.Split(' ')).Select(w => "\u2581" + w))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        var vocab = new List<string> { "<pad>", "<unk>", "<s>", "</s>" };
        vocab.AddRange(counts.Keys.SelectMany(w => w.Select(c => c.ToString())).Distinct().Order(StringComparer.Ordinal));
        var words = counts.Select(kv => (Symbols: kv.Key.Select(c => vocab.IndexOf(c.ToString())).ToList(), Count: kv.Value)).ToList();
        var merges = new List<string>();
        while (vocab.Count < vocabSize)
        {
            var pairs = new Dictionary<(int, int), int>();
            foreach ((List<int> symbols, int count) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
                }
            }

            if (pairs.Count == 0)
            {
                break;
            }

            ((int a, int b), int best) = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2).First();
            if (best < minFrequency)
            {
                break;
            }

            string merged = vocab[a] + vocab[b];
            int x = vocab.IndexOf(merged);
            if (x < 0)
            {
                x = vocab.Count;
                vocab.Add(merged);
            }

            merges.Add($"{vocab[a]} {vocab[b]}");
            foreach ((List<int> symbols, _) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == a && symbols[i + 1] == b)
                    {
                        symbols[i] = x;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }

        return (vocab, merges);
    }

    [SkippableFact]
    public void RoundTripOverTheWholeMulti30kTrainingCorpus()
    {
        string data = TestPaths.Multi30k;
        Skip.IfNot(Directory.Exists(data), $"Multi30k not found at {data} (run scripts/get-multi30k.sh or set MULTI30K=DIR)");

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
}
