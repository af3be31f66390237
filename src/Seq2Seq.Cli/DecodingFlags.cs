using System.CommandLine;
using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Cli;

/// <summary>The decoding flags shared by <c>translate</c> and <c>test</c>; unset flags take the model config's <c>testing:</c> values.</summary>
internal sealed class DecodingFlags
{
    public Option<int?> Beam { get; } = new("--beam") { Description = "beam size; 1 = greedy (default: the config's testing.beam_size)" };
    private readonly Option<double?> alpha = new("--alpha") { Description = "GNMT length penalty exponent for beam search; 0 = none (default: testing.alpha)" };
    private readonly Option<bool?> keepGreedyPath = new("--keep-greedy-path") { Description = "beam search keeps the greedy path in the beam; --keep-greedy-path false: textbook beam search (default: testing.keep_greedy_path)" };
    private readonly Option<int?> batchSize = new("--batch-size") { Description = "batch size in --batch-type units (default: testing.batch_size)" };
    private readonly Option<string> batchType = new("--batch-type") { Description = "sentences or tokens (padded source subwords)", DefaultValueFactory = _ => "sentences" };
    private readonly Option<double?> ratio = new("--max-length-ratio") { Description = "output limit = ratio × source subwords + offset (default: testing.max_length_ratio)" };
    private readonly Option<int?> offset = new("--max-length-offset") { Description = "output limit = ratio × source subwords + offset (default: testing.max_length_offset)" };
    private readonly Option<int> minLength = new("--min-length") { Description = "no EOS before this many output subwords", DefaultValueFactory = _ => 0 };
    private readonly Option<int> maxSource = new("--max-source-length") { Description = "sources are cut to this many subwords", DefaultValueFactory = _ => 250 };
    private readonly Option<string?> device = new("--device") { Description = "cpu, cuda or auto (default: the config's device)" };
    private readonly Option<int?> threads = new("--threads") { Description = "CPU threads for libtorch (default: the config's threads; 0 = one per core)" };
    private readonly Option<string?> shortlist = new("--shortlist") { Description = "decode over a vocabulary shortlist built by 'seq2seq shortlist' (faster; 'none': the whole vocabulary; default: testing.shortlist)" };
    private readonly Option<bool> noFastPaths = new("--no-fast-paths") { Description = "decode with the plain model, without the CPU fast paths (default: the config's fast_paths)" };
    private readonly Option<double[]> weights = EnsembleWeights();

    /// <summary><c>--weights W1 W2 ...</c>: one positive weight per <c>--model</c> of an ensemble.</summary>
    public static Option<double[]> EnsembleWeights() => new("--weights")
    {
        Description = "with several --model (an ensemble): one positive weight per model for the weighted mean of their log-probabilities (default: equal)",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>
    /// The <c>--weights</c> of <paramref name="models"/> --model directories, checked before anything is loaded: null
    /// (equal weights) when not given.
    /// </summary>
    public static double[]? Weights(ParseResult parse, Option<double[]> option, IReadOnlyList<string> models)
    {
        if (parse.GetResult(option) is null) return null;
        var w = parse.GetValue(option) ?? [];
        if (w.Length != models.Count)
            throw new UserErrorException($"--weights: {w.Length} weight{(w.Length == 1 ? "" : "s")} for {models.Count} --model; give one per model");
        foreach (double x in w)
            if (!(x > 0) || double.IsInfinity(x))
                throw new UserErrorException($"--weights: every weight must be a finite positive number (got {x.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        return w;
    }

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Beam, alpha, keepGreedyPath, batchSize, batchType, ratio, offset, minLength, maxSource, device, threads, shortlist, noFastPaths, weights })
            command.Options.Add(o);
    }

    /// <summary>
    /// Loads the model (or, with several directories, the ensemble weighted by <c>--weights</c>) on the chosen device
    /// and sets the thread count and malloc's settings for decoding.
    /// </summary>
    public Translator Load(ParseResult parse, IReadOnlyList<string> modelDirs, string checkpoint = ModelDirectory.BestCheckpointName)
    {
        var w = Weights(parse, weights, modelDirs);
        MallocSettings.KeepFreedMemoryForDecoding();
        var translator = modelDirs.Count == 1 && w is null
            ? Translator.Load(modelDirs[0], parse.GetValue(device), checkpoint, parse.GetValue(noFastPaths) ? false : null)
            : Translator.LoadEnsemble(modelDirs, w, parse.GetValue(device), checkpoint, parse.GetValue(noFastPaths) ? false : null);
        int n = parse.GetValue(threads) ?? translator.Config.Threads;
        if (n < 0) throw new UserErrorException("--threads must be ≥ 0");
        if (n > 0) TorchSharp.torch.set_num_threads(n);
        return translator;
    }

    public DecodingOptions Options(ParseResult parse, Translator translator)
    {
        var o = translator.DefaultOptions;
        if (parse.GetValue(Beam) is int b) o = o with { BeamSize = b };
        if (parse.GetValue(alpha) is double a) o = o with { Alpha = a };
        if (parse.GetValue(keepGreedyPath) is bool k) o = o with { KeepGreedyPath = k };
        if (parse.GetValue(batchSize) is int n) o = o with { BatchSize = n };
        o = o with
        {
            BatchType = parse.GetValue(batchType) switch
            {
                "sentences" => BatchType.Sentences,
                "tokens" => BatchType.Tokens,
                var other => throw new UserErrorException($"--batch-type: expected sentences or tokens, got '{other}'"),
            },
        };
        if (parse.GetValue(ratio) is double r) o = o with { MaxLengthRatio = r };
        if (parse.GetValue(offset) is int off) o = o with { MaxLengthOffset = off };
        o = o with { MinLength = parse.GetValue(minLength), MaxSourceLength = parse.GetValue(maxSource) };
        if (parse.GetValue(shortlist) is { } file) o = o with { Shortlist = file == "none" ? null : translator.LoadShortlist(file) };
        o.Validate();
        return o;
    }
}
