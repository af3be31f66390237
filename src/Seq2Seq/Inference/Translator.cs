using Seq2Seq.Config;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// The "load once, translate many" API: reads a model directory (config, subword models, best weights)
/// and translates batches of sentences.
/// </summary>
/// <example>
/// <code>
/// using var translator = Translator.Load("models/fr_en");
/// var results = translator.Translate(["Le chat dort.", "Il pleut."], new DecodingOptions { BeamSize = 5 });
/// Console.WriteLine(results[0].Text);
/// </code>
/// </example>
public sealed class Translator : IDisposable
{
    private readonly Seq2SeqModel model;
    private readonly Device device;
    private readonly string configFile;
    private readonly DecoderStepper stepper;      // held for the translator's life: every call decodes with it
    private Shortlist? shortlist;                 // testing.shortlist, read once
    private Translator[] others = [];             // an ensemble's other models, decoding with this one
    private double[] weights = [1.0];             // an ensemble's weights, this model's first

    /// <summary>The config the model was trained with.</summary>
    public Seq2SeqConfig Config { get; }

    /// <summary>Source-side tokens (BPE subwords, characters or words, as the config's <c>subwords:</c> says).</summary>
    public TextTokenizer SourceTokenizer { get; }

    /// <summary>Target-side tokens.</summary>
    public TextTokenizer TargetTokenizer { get; }

    private Translator(Seq2SeqConfig config, string configFile, Seq2SeqModel model, TextTokenizer src, TextTokenizer trg, Device device,
        bool fastPaths)
    {
        Config = config;
        this.configFile = configFile;
        this.model = model;
        SourceTokenizer = src;
        TargetTokenizer = trg;
        this.device = device;
        stepper = BatchDecoding.Stepper(model, fastPaths, config.Testing.BatchSize * config.Testing.BeamSize);
    }

    /// <summary>
    /// Loads <paramref name="modelDirectory"/> with the weights of <c>best.ckpt</c> (or another checkpoint file
    /// in it). <paramref name="device"/> overrides the config's device, <paramref name="fastPaths"/> its
    /// <c>fast_paths</c> (false: the plain decoder, without the CPU's packed weights).
    /// </summary>
    public static Translator Load(string modelDirectory, string? device = null, string checkpoint = ModelDirectory.BestCheckpointName, bool? fastPaths = null)
    {
        var dir = new ModelDirectory(modelDirectory);
        if (!Directory.Exists(dir.Path)) throw new UserErrorException($"{dir.Path}: no such model directory");
        if (!File.Exists(dir.ConfigFile)) throw new UserErrorException($"{dir.ConfigFile}: missing; is {dir.Path} a model directory written by 'seq2seq train'?");
        var config = ConfigLoader.Load(dir.ConfigFile);
        var (src, trg) = dir.LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel);
        var dev = ComputeDevice.Resolve(device ?? config.Device.YamlName());
        var model = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
        string path = dir.Checkpoint(checkpoint);
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such checkpoint (training has not validated yet?)");
        Checkpoint.Load(path, model);
        model.to(dev);
        model.eval();
        var translator = new Translator(config, dir.ConfigFile, model, src, trg, dev, fastPaths ?? config.FastPaths);
        if (config.Testing.Shortlist is { } file)
        {
            try
            {
                translator.shortlist = translator.LoadShortlist(file);
            }
            catch (UserErrorException e)
            {
                translator.Dispose();
                throw new UserErrorException($"{dir.ConfigFile}: testing.shortlist: {e.Message}");
            }
        }
        return translator;
    }

    /// <summary>
    /// Loads an ensemble: the models of <paramref name="modelDirectories"/> decode together, their log-probabilities
    /// combined at every step as the weighted mean Σ_i w_i log p_i / Σ_i w_i (<paramref name="weights"/>, one per
    /// model; equal when null). Each model reads the sentences with its own source tokenizer; the models must share the
    /// target vocabulary (the same target tokenizer files). The first model gives <see cref="Config"/>,
    /// <see cref="DefaultOptions"/>, the output length limits and the attention weights (alignments). One directory
    /// loads as <see cref="Load"/> does.
    /// </summary>
    /// <exception cref="UserErrorException">No directory; a weight count or value is wrong; a model cannot be loaded;
    /// the target vocabularies differ (the message names both directories and the file); the models resolve to
    /// different devices.</exception>
    public static Translator LoadEnsemble(IReadOnlyList<string> modelDirectories, IReadOnlyList<double>? weights = null, string? device = null,
        string checkpoint = ModelDirectory.BestCheckpointName, bool? fastPaths = null)
    {
        ArgumentNullException.ThrowIfNull(modelDirectories);
        if (modelDirectories.Count == 0) throw new UserErrorException("an ensemble needs at least one model directory");
        var w = weights?.ToArray() ?? [.. modelDirectories.Select(_ => 1.0)];
        if (w.Length != modelDirectories.Count)
            throw new UserErrorException($"ensemble weights: {w.Length} given for {modelDirectories.Count} models; give one per model");
        foreach (double x in w)
            if (!(x > 0) || double.IsInfinity(x))
                throw new UserErrorException($"ensemble weights: every weight must be a finite positive number (got {x.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        // Vocabularies first: a model of another target vocabulary is named as such, not by a failure to load it.
        for (int i = 1; i < modelDirectories.Count; i++)
            if (Directory.Exists(modelDirectories[0]) && Directory.Exists(modelDirectories[i])) CheckSameTarget(modelDirectories[0], modelDirectories[i]);
        var first = Load(modelDirectories[0], device, checkpoint, fastPaths);
        try
        {
            first.weights = w;
            foreach (string dir in modelDirectories.Skip(1))
            {
                var other = Load(dir, device, checkpoint, fastPaths);
                first.others = [.. first.others, other];
                if (other.device.type != first.device.type || other.device.index != first.device.index)
                    throw new UserErrorException($"{dir} runs on {other.device} but {first.ModelPath} on {first.device}: the models of an ensemble run on one device (give --device)");
                if (other.TargetTokenizer.Level != first.TargetTokenizer.Level || other.TargetTokenizer.VocabSize != first.TargetTokenizer.VocabSize)
                    throw new UserErrorException($"{dir} and {first.ModelPath}: the models of an ensemble must share the target vocabulary, but their target tokenizers differ");
            }
            return first;
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    /// <summary>Refuses two model directories whose target tokenizer files differ (the models of an ensemble share the target vocabulary).</summary>
    private static void CheckSameTarget(string firstDirectory, string otherDirectory)
    {
        foreach (var (first, other) in new ModelDirectory(firstDirectory).TargetTokenizerFiles.Zip(new ModelDirectory(otherDirectory).TargetTokenizerFiles))
        {
            bool same = File.Exists(first) == File.Exists(other) && (!File.Exists(first) || File.ReadAllBytes(first).AsSpan().SequenceEqual(File.ReadAllBytes(other)));
            if (!same)
                throw new UserErrorException($"{firstDirectory} and {otherDirectory}: the models of an ensemble must share the target vocabulary, but {Path.GetFileName(first)} differs");
        }
    }

    /// <summary>The model directories this translator decodes with: one, or an ensemble's, the first giving the config.</summary>
    public IReadOnlyList<string> ModelPaths => [ModelPath, .. others.Select(o => o.ModelPath)];

    /// <summary>The weight of each model of <see cref="ModelPaths"/> (1 for a single model).</summary>
    public IReadOnlyList<double> Weights => weights;

    /// <summary>The decoding settings of the model's config (<c>testing:</c> section).</summary>
    public DecodingOptions DefaultOptions => new()
    {
        BeamSize = Config.Testing.BeamSize,
        Alpha = Config.Testing.Alpha,
        KeepGreedyPath = Config.Testing.KeepGreedyPath,
        BatchSize = Config.Testing.BatchSize,
        MaxLengthRatio = Config.Testing.MaxLengthRatio,
        MaxLengthOffset = Config.Testing.MaxLengthOffset,
        Shortlist = shortlist,
    };

    /// <summary>The loaded model (tests call the searches on it directly).</summary>
    internal Seq2SeqModel Model => model;

    /// <summary>The decoding steps every call runs through (packed or plain).</summary>
    internal DecoderStepper Stepper => stepper;

    /// <summary>The device the model runs on.</summary>
    public Device Device => device;

    /// <summary>
    /// Whether the model has attention weights to give (<see cref="DecodingOptions.KeepAttention"/>, alignments);
    /// false for <c>model.attention: none</c>.
    /// </summary>
    public bool HasAttention => model.HasAttention;

    /// <summary>Checks <paramref name="options"/> against their ranges and against what this model can give.</summary>
    /// <exception cref="UserErrorException">An option is out of range, or attention is asked of a model without it.</exception>
    public void Validate(DecodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.KeepAttention && !HasAttention)
            throw new UserErrorException($"{configFile}: model.attention is none: this model has no attention weights, so no alignments or attention matrices");
        options.Shortlist?.Check(SourceTokenizer, TargetTokenizer, "the shortlist", ModelPath);
    }

    /// <summary>The model directory this translator was loaded from.</summary>
    public string ModelPath => Path.GetDirectoryName(configFile) is { Length: > 0 } dir ? dir : ".";

    /// <summary>
    /// Reads a shortlist file (<see cref="Shortlist"/>, written by <c>seq2seq shortlist</c>) and checks that it was built
    /// for this model's vocabularies; pass it as <see cref="DecodingOptions.Shortlist"/>.
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing, malformed or built for other vocabularies.</exception>
    public Shortlist LoadShortlist(string path)
    {
        var shortlist = Shortlist.Load(path);
        shortlist.Check(SourceTokenizer, TargetTokenizer, path, ModelPath);
        return shortlist;
    }

    /// <summary>
    /// Translates <paramref name="sentences"/>; result i belongs to sentence i. An empty (or all-space) sentence
    /// gives an empty translation with score 0 without running the model. Identical sentences in one call are
    /// decoded once and share their result. Sources longer than <see cref="DecodingOptions.MaxSourceLength"/>
    /// subwords are cut to it. Never drops or reorders a sentence. <paramref name="progress"/> hears, after each batch,
    /// how many distinct sentences it decoded.
    /// </summary>
    /// <exception cref="UserErrorException">An option is out of range, or attention is asked of a model without it.</exception>
    public IReadOnlyList<Translation> Translate(IReadOnlyList<string> sentences, DecodingOptions? options = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        options ??= DefaultOptions;
        Validate(options);
        var results = new Translation[sentences.Count];
        var unique = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new List<int[]>();
        var otherIds = others.Select(_ => new List<int[]>()).ToArray();           // the same sentences in the other models' vocabularies
        var truncated = new List<bool>();
        var slot = new int[sentences.Count];
        for (int i = 0; i < sentences.Count; i++)
        {
            string s = sentences[i] ?? "";
            if (string.IsNullOrWhiteSpace(s))
            {
                slot[i] = -1;
                continue;
            }
            if (!unique.TryGetValue(s, out int k))
            {
                var (encoded, cut) = EncodeSource(s, options.MaxSourceLength);
                k = ids.Count;
                unique.Add(s, k);
                ids.Add(encoded);
                truncated.Add(cut);
                for (int m = 0; m < others.Length; m++) otherIds[m].Add(others[m].EncodeSource(s, options.MaxSourceLength).Ids);
            }
            slot[i] = k;
        }
        var lists = others.Length == 0
            ? BatchDecoding.DecodeNBest(model, stepper, ids, options, device, progress: progress)
            : BatchDecoding.DecodeNBest([(model, stepper), .. others.Select(o => (o.model, o.stepper))], weights, [ids, .. otherIds], options, device,
                progress: progress);
        var done = new Translation[ids.Count];
        for (int k = 0; k < ids.Count; k++)
        {
            var sourceTokens = Array.ConvertAll(ids[k], SourceTokenizer.IdToToken);
            var nbest = lists[k].Select(h => Make(h, sourceTokens, truncated[k])).ToArray();
            done[k] = nbest[0] with { NBest = nbest };
        }
        for (int i = 0; i < sentences.Count; i++)
        {
            if (slot[i] >= 0)
            {
                results[i] = done[slot[i]];
                continue;
            }
            var empty = new Translation("", 0, [], [], options.KeepAttention ? [] : null)
            {
                LogProbability = 0,
                SourceLevel = SourceTokenizer.Level,
                TargetLevel = TargetTokenizer.Level,
            };
            results[i] = empty with { NBest = [empty] };
        }
        return results;
    }

    /// <summary>
    /// Translates a stream of sentences of any length in constant memory: reads <paramref name="chunkSize"/>
    /// sentences at a time, translates them with <see cref="Translate"/> (sorted by length into batches inside the
    /// chunk, restored to input order) and yields the results, one per input sentence, in input order.
    /// <paramref name="progress"/> hears, after each batch, how many distinct sentences it decoded.
    /// </summary>
    public IEnumerable<Translation> TranslateStream(IEnumerable<string> sentences, DecodingOptions? options = null, int chunkSize = 10_000,
        IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        options ??= DefaultOptions;
        Validate(options);
        return Chunks(sentences, options, chunkSize, progress);
    }

    private IEnumerable<Translation> Chunks(IEnumerable<string> sentences, DecodingOptions options, int chunkSize, IProgress<int>? progress)
    {
        var chunk = new List<string>(Math.Min(chunkSize, 100_000));
        foreach (string sentence in sentences)
        {
            chunk.Add(sentence);
            if (chunk.Count < chunkSize) continue;
            foreach (var t in Translate(chunk, options, progress)) yield return t;
            chunk.Clear();
        }
        if (chunk.Count > 0)
            foreach (var t in Translate(chunk, options, progress)) yield return t;
    }

    /// <summary>
    /// Lowercases (when the model was trained so), encodes, and cuts to <paramref name="maxLength"/> subwords.
    /// Text far longer than any <paramref name="maxLength"/> subwords could cover is cut first, so a
    /// pathological line (100,000 characters without a space) costs no more than a long one.
    /// </summary>
    private (int[] Ids, bool Truncated) EncodeSource(string text, int maxLength)
    {
        if (Config.Data.Lowercase) text = text.ToLowerInvariant();
        long maxChars = (long)maxLength * MaxCharsPerSubword;
        bool cut = false;
        if (text.Length > maxChars)
        {
            int end = (int)maxChars;
            if (char.IsHighSurrogate(text[end - 1])) end--;
            text = text[..end];
            cut = true;
        }
        var ids = SourceTokenizer.Encode(text);
        if (ids.Length > maxLength)
        {
            ids = ids[..maxLength];
            cut = true;
        }
        return (ids, cut);
    }

    /// <summary>A generous bound on the characters one subword covers (for the pre-encoding cut).</summary>
    private const int MaxCharsPerSubword = 32;

    private Translation Make(Hypothesis h, string[] sourceTokens, bool truncated) =>
        new(TargetTokenizer.Decode(h.Ids), double.IsNaN(h.RankingScore) ? h.Score : h.RankingScore,
            Array.ConvertAll(h.Ids, TargetTokenizer.IdToToken), sourceTokens, h.Attention)
        {
            LogProbability = h.Score,
            SourceTruncated = truncated,
            SourceLevel = SourceTokenizer.Level,
            TargetLevel = TargetTokenizer.Level,
        };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var other in others) other.Dispose();
        stepper.Dispose();
        model.Dispose();
    }
}
