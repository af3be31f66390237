using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Inference;
using Seq2Seq.Text;
using Seq2Seq.Training;
using CliProcess = Seq2Seq.Tests.Robustness.Cli;

namespace Seq2Seq.Tests.Training;

/// <summary>
/// Token levels, <c>subwords.type: bpe | char | word</c>, per side, end to end: training on the bundled sample
/// corpus, the model directory's files, loading, translating, word alignments, the dev &lt;unk&gt; share, and
/// model directories written before the keys existed.
/// </summary>
[Collection(TorchCollection.Name)]
public class TokenLevelTests
{
    private static readonly string[] Sentences = ["Le chat noir dort sous la table.", "Il pleut  ce matin.", "Où est mon vélo ?"];

    /// <summary>A small model on data/sample (5,000 pairs), 20 steps, validated at 10 and 20.</summary>
    private static Seq2SeqConfig SampleSetup(string root, SubwordConfig subwords, int maxLength) => new()
    {
        Name = "levels",
        ModelDir = Path.Combine(root, "model"),
        Seed = 5,
        Threads = 1,
        Data = new DataConfig
        {
            Train = Path.Combine(TestPaths.RepoRoot, "data", "sample", "train"),
            Dev = Path.Combine(TestPaths.RepoRoot, "data", "sample", "dev"),
            Src = "fr",
            Trg = "en",
            MaxLength = maxLength,
        },
        Subwords = subwords,
        Model = new ModelConfig { EmbeddingDim = 24, EncoderHidden = 24, DecoderHidden = 48, AttentionDim = 24, Dropout = 0.1 },
        Training = new TrainingConfig { BatchSize = 32, MaxSteps = 20, Epochs = 0, LoggingFreq = 10, ValidationFreq = 10, LearningRate = 5e-3 },
        Testing = new TestingConfig { BeamSize = 1, BatchSize = 100 },
    };

    private static (TrainingResult Result, List<TrainingEvent> Events) Train(Seq2SeqConfig config, TrainOptions? options = null)
    {
        var events = new List<TrainingEvent>();
        var result = new Trainer(config, options ?? new TrainOptions(), new ListProgress(events)).Run();
        return (result, events);
    }

    [Fact]
    public void CharacterLevelTrainsOnTheSampleAndTranslatesWithWordAlignments()
    {
        string root = TestPaths.NewTempDir();
        var config = SampleSetup(root, new SubwordConfig { Type = TokenLevel.Char, SrcVocabSize = 500, TrgVocabSize = 500, MinFrequency = 1 }, maxLength: 100);
        var (result, events) = Train(config);

        Assert.Equal(20, result.Steps);
        var validations = events.OfType<ValidationReport>().ToList();
        Assert.Equal(2, validations.Count);
        Assert.True(validations[1].Loss < validations[0].Loss, $"{validations[0].Loss} → {validations[1].Loss}");
        var files = Directory.GetFiles(config.ModelDir).Select(Path.GetFileName).ToList();
        Assert.Contains("src.vocab.json", files);
        Assert.Contains("trg.vocab.json", files);
        Assert.DoesNotContain(files, f => f!.EndsWith(".merges.txt", StringComparison.Ordinal));

        // Every character of the training text is a token; with min_frequency 1 nothing in training is unknown.
        var train = ParallelCorpus.Read(config.Data.Train, "fr", "en", lowercase: false);
        int distinct = train.Source.SelectMany(s => s.Replace(' ', '\u2581')).Distinct().Count();
        var data = Assert.Single(events.OfType<DataReport>());
        Assert.Equal((TokenLevel.Char, TokenLevel.Char), (data.SourceLevel, data.TargetLevel));
        Assert.Equal(TextTokenizer.SpecialTokens.Count + distinct, data.SourceVocabSize);
        Assert.Equal(0, data.Train.SourceUnknown);
        Assert.Equal(5000, data.Train.Read);
        Assert.Equal(train.Source.Where((s, i) => s.Length <= 100 && train.Target[i].Length <= 100).Count(), data.Train.Kept);
        Assert.Equal(DevUnknown(config, TokenLevel.Char), (data.Dev.SourceUnknown, data.Dev.TargetUnknown));
        Assert.Contains("<unk> in dev:", File.ReadAllText(Path.Combine(config.ModelDir, "train.log")));

        using var translator = Translator.Load(config.ModelDir, "cpu");
        Assert.IsType<CharTokenizer>(translator.SourceTokenizer);
        Assert.IsType<CharTokenizer>(translator.TargetTokenizer);
        Assert.Equal(Sentences[1], translator.SourceTokenizer.Decode(translator.SourceTokenizer.Encode(Sentences[1])));
        var translations = translator.Translate(Sentences, translator.DefaultOptions with { KeepAttention = true });
        for (int i = 0; i < Sentences.Length; i++)
        {
            var t = translations[i];
            Assert.Equal(Sentences[i].Length, t.SourceTokens.Count);                  // no surrogate pairs here: one token per char
            Assert.All(t.Tokens, token => Assert.True(token.Length == 1 || token == "<unk>", token));
            Assert.Equal(t.Text, string.Concat(t.Tokens).Replace('\u2581', ' '));
            // Characters are grouped into words: one link per output word, to one of the source words.
            var links = t.Alignment();
            int targetWords = t.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            int sourceWords = Sentences[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.Equal(Enumerable.Range(0, targetWords), links.Select(l => l.Target));
            Assert.All(links, l => Assert.InRange(l.Source, 0, sourceWords - 1));
        }

        // What a user runs: translate with --alignments prints one text line and one alignment line per sentence.
        string input = Path.Combine(root, "in.fr"), aligned = Path.Combine(root, "out.align");
        File.WriteAllLines(input, Sentences);
        var (code, output, err) = CliProcess.Run(root, "translate", "--model", config.ModelDir, "--input", input, "--beam", "1", "--alignments", aligned);
        Assert.True(code == 0, err);
        Assert.Equal(translations.Select(t => t.Text + "\n"), output.Split('\n')[..^1].Select(l => l + "\n"));
        Assert.Equal(translations.Select(t => WordAlignment.Format(t.Alignment())), File.ReadAllLines(aligned));
    }

    [Fact]
    public void WordLevelTrainsOnTheSampleReportsTheDevUnkShareAndTranslates()
    {
        string root = TestPaths.NewTempDir();
        var config = SampleSetup(root, new SubwordConfig { Type = TokenLevel.Word, SrcVocabSize = 5000, TrgVocabSize = 5000, MinFrequency = 3 }, maxLength: 50);
        var (result, events) = Train(config);

        Assert.Equal(20, result.Steps);
        var validations = events.OfType<ValidationReport>().ToList();
        Assert.True(validations[1].Loss < validations[0].Loss, $"{validations[0].Loss} → {validations[1].Loss}");
        Assert.False(File.Exists(Path.Combine(config.ModelDir, "src.merges.txt")));

        // The vocabulary and the dev <unk> counts, recomputed here from the text.
        var data = Assert.Single(events.OfType<DataReport>());
        var train = ParallelCorpus.Read(config.Data.Train, "fr", "en", lowercase: false);
        int kept = Words(train.Source).GroupBy(w => w).Count(g => g.Count() >= 3);
        Assert.Equal(TextTokenizer.SpecialTokens.Count + kept, data.SourceVocabSize);
        var (srcUnknown, trgUnknown) = DevUnknown(config, TokenLevel.Word);
        Assert.True(srcUnknown > 0, "the sample's dev set has French words seen fewer than 3 times in training");
        Assert.Equal((srcUnknown, trgUnknown), (data.Dev.SourceUnknown, data.Dev.TargetUnknown));
        var dev = ParallelCorpus.Read(config.Data.Dev, "fr", "en", lowercase: false);
        Assert.Equal(Words(dev.Source).Count(), data.Dev.SourceTokens);
        Assert.Equal((double)srcUnknown / data.Dev.SourceTokens, data.Dev.SourceUnknownShare, 12);
        string log = File.ReadAllText(Path.Combine(config.ModelDir, "train.log"));
        Assert.Contains($"<unk> in dev: {100.0 * srcUnknown / data.Dev.SourceTokens:F2}% of source tokens (word)", log);

        using var translator = Translator.Load(config.ModelDir, "cpu");
        Assert.IsType<WordTokenizer>(translator.SourceTokenizer);
        var translations = translator.Translate(Sentences, translator.DefaultOptions with { KeepAttention = true, BeamSize = 3 });
        for (int i = 0; i < Sentences.Length; i++)
        {
            var t = translations[i];
            string[] sourceWords = Sentences[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(sourceWords.Length, t.SourceTokens.Count);
            Assert.All(sourceWords.Zip(t.SourceTokens), p => Assert.True(p.Second == p.First || p.Second == "<unk>", $"{p.First} → {p.Second}"));
            Assert.Equal(string.Join(' ', t.Tokens), t.Text);
            var links = t.Alignment();                                         // every word token is a word of its own
            Assert.Equal(Enumerable.Range(0, t.Tokens.Count), links.Select(l => l.Target));
            Assert.All(links, l => Assert.InRange(l.Source, 0, t.SourceTokens.Count - 1));
        }
    }

    [Fact]
    public void EachSideHasItsOwnLevelThroughTrainingResumeAndLoading()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 10) with
        {
            Subwords = new SubwordConfig { Type = TokenLevel.Bpe, SrcType = TokenLevel.Char, TrgType = TokenLevel.Word, SrcVocabSize = 60, TrgVocabSize = 60, MinFrequency = 2 },
        };
        var (_, events) = Train(config);
        Assert.Equal((TokenLevel.Char, TokenLevel.Word), (events.OfType<DataReport>().Single().SourceLevel, events.OfType<DataReport>().Single().TargetLevel));
        Assert.Equal(["config.yaml", "curves.svg", "src.vocab.json", "trg.vocab.json"],
            Directory.GetFiles(config.ModelDir).Select(Path.GetFileName).Where(f => !f!.EndsWith(".ckpt") && !f.EndsWith(".log") && !f.EndsWith(".tsv")).Order());
        var saved = ConfigLoader.Load(Path.Combine(config.ModelDir, "config.yaml"));
        Assert.Equal<(TokenLevel, TokenLevel?, TokenLevel?)>((TokenLevel.Bpe, TokenLevel.Char, TokenLevel.Word), (saved.Subwords.Type, saved.Subwords.SrcType, saved.Subwords.TrgType));

        var (resumed, _) = Train(config with { Training = config.Training with { MaxSteps = 15 } }, new TrainOptions(Resume: true));
        Assert.Equal(15, resumed.Steps);

        using var translator = Translator.Load(config.ModelDir, "cpu");
        Assert.IsType<CharTokenizer>(translator.SourceTokenizer);
        Assert.IsType<WordTokenizer>(translator.TargetTokenizer);
        var t = translator.Translate(["chat rouge"], translator.DefaultOptions with { KeepAttention = true })[0];
        Assert.Equal(["c", "h", "a", "t", "▁", "r", "o", "u", "g", "e"], t.SourceTokens);
        Assert.Equal((TokenLevel.Char, TokenLevel.Word), (t.SourceLevel, t.TargetLevel));
        Assert.All(t.Alignment(), l => Assert.InRange(l.Source, 0, 1));

        // A BPE run over the same directory (--overwrite) leaves no vocabulary of the old levels behind, and back.
        var bpe = config with { Subwords = config.Subwords with { SrcType = null, TrgType = null } };
        Train(bpe, new TrainOptions(Overwrite: true));
        Assert.True(File.Exists(Path.Combine(config.ModelDir, "src.merges.txt")));
        Train(config, new TrainOptions(Overwrite: true));
        Assert.False(File.Exists(Path.Combine(config.ModelDir, "src.merges.txt")));
        Assert.False(File.Exists(Path.Combine(config.ModelDir, "trg.merges.txt")));
    }

    [Fact]
    public void AModelDirectoryWrittenBeforeTheLevelKeysStillLoadsAsBpe()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 20);
        Train(config);
        string[] words = ["chat rouge lune", "mer vent", "petit  arbre"];
        List<string> before;
        using (var translator = Translator.Load(config.ModelDir, "cpu"))
            before = [.. translator.Translate(words).Select(t => t.Text)];

        // config.yaml as written before src_type / trg_type existed.
        string path = Path.Combine(config.ModelDir, "config.yaml");
        var lines = File.ReadAllLines(path).ToList();
        Assert.Equal(2, lines.RemoveAll(l => l.TrimStart().StartsWith("src_type:", StringComparison.Ordinal) || l.TrimStart().StartsWith("trg_type:", StringComparison.Ordinal)));
        File.WriteAllLines(path, lines);

        using var old = Translator.Load(config.ModelDir, "cpu");
        Assert.Equal((TokenLevel.Bpe, TokenLevel.Bpe), (old.Config.Subwords.SourceLevel, old.Config.Subwords.TargetLevel));
        Assert.IsType<SubwordTokenizer>(old.SourceTokenizer);
        Assert.IsType<SubwordTokenizer>(old.TargetTokenizer);
        Assert.Equal(before, old.Translate(words).Select(t => t.Text));
    }

    [Fact]
    public void NoWordFrequentEnoughIsAUserErrorNamingTheKey()
    {
        string root = TestPaths.NewTempDir();
        var config = TrainerTests.TinySetup(root, 5) with { Subwords = new SubwordConfig { Type = TokenLevel.Word, MinFrequency = 100_000 } };
        var e = Assert.Throws<UserErrorException>(() => Train(config));
        Assert.Contains("subwords.min_frequency 100000", e.Message);
        Assert.Contains("train.fr", e.Message);
        Assert.False(Directory.Exists(config.ModelDir));
    }

    [Theory]
    [InlineData("  type: chars", "config.yaml:9: subwords.type: unknown value 'chars' (allowed: bpe, char, word) (did you mean 'char'?)")]
    [InlineData("  src_type: words", "config.yaml:9: subwords.src_type: unknown value 'words' (allowed: bpe, char, word) (did you mean 'word'?)")]
    [InlineData("  trg_type: BPE", "config.yaml:9: subwords.trg_type: unknown value 'BPE' (allowed: bpe, char, word)")]
    [InlineData("  src_vocab_size: 4", "config.yaml:9: subwords.src_vocab_size: must be more than 4")]
    public void ABadLevelIsOneLineNamingTheKeyAndLine(string line, string expected)
    {
        string dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "corpus"));
        foreach (string f in new[] { "train.fr", "train.en", "dev.fr", "dev.en" })
            File.WriteAllText(Path.Combine(dir, "corpus", f), "un chat\nle chien\n");
        File.WriteAllText(Path.Combine(dir, "config.yaml"),
            $"model_dir: model\ndata:\n  train: corpus/train\n  dev: corpus/dev\n  src: fr\n  trg: en\nsubwords:\n  min_frequency: 1\n{line}\n");

        string message = CliProcess.AssertUserError(CliProcess.Run(dir, "train", "config.yaml"));

        Assert.Contains(expected, message);
        Assert.False(Directory.Exists(Path.Combine(dir, "model")));
    }

    /// <summary>Dev tokens the training vocabulary lacks, counted here from the model directory's vocabularies.</summary>
    private static (long Source, long Target) DevUnknown(Seq2SeqConfig config, TokenLevel level)
    {
        var dev = ParallelCorpus.Read(config.Data.Dev, "fr", "en", lowercase: false);
        long Count(IEnumerable<string> lines, string prefix)
        {
            var vocabulary = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(
                File.ReadAllText(Path.Combine(config.ModelDir, $"{prefix}.vocab.json")))!.Keys.ToHashSet();
            var units = level == TokenLevel.Word
                ? Words(lines)
                : lines.SelectMany(l => l.EnumerateRunes().Select(r => r.Value == ' ' ? "\u2581" : r.ToString()));
            return units.Count(u => !vocabulary.Contains(u));
        }
        return (Count(dev.Source, "src"), Count(dev.Target, "trg"));
    }

    private static IEnumerable<string> Words(IEnumerable<string> lines) =>
        lines.SelectMany(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private sealed class ListProgress(List<TrainingEvent> events) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => events.Add(value);
    }
}
