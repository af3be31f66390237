using Seq2Seq.Config;
using Seq2Seq.Modeling;
using Seq2Seq.Text;
using Seq2Seq.Training;
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

    /// <summary>The config the model was trained with.</summary>
    public Seq2SeqConfig Config { get; }

    /// <summary>Source-side subwords.</summary>
    public SubwordTokenizer SourceTokenizer { get; }

    /// <summary>Target-side subwords.</summary>
    public SubwordTokenizer TargetTokenizer { get; }

    private Translator(Seq2SeqConfig config, Seq2SeqModel model, SubwordTokenizer src, SubwordTokenizer trg, Device device)
    {
        Config = config;
        this.model = model;
        SourceTokenizer = src;
        TargetTokenizer = trg;
        this.device = device;
    }

    /// <summary>
    /// Loads <paramref name="modelDirectory"/> with the weights of <c>best.ckpt</c> (or another checkpoint file
    /// in it). <paramref name="device"/> overrides the config's device.
    /// </summary>
    public static Translator Load(string modelDirectory, string? device = null, string checkpoint = "best.ckpt")
    {
        var dir = new ModelDirectory(modelDirectory);
        if (!Directory.Exists(dir.Path)) throw new UserErrorException($"{dir.Path}: no such model directory");
        if (!File.Exists(dir.ConfigFile)) throw new UserErrorException($"{dir.ConfigFile}: missing; is {dir.Path} a model directory written by 'seq2seq train'?");
        var config = ConfigLoader.Load(dir.ConfigFile);
        var src = SubwordTokenizer.Load(dir.Path, ModelDirectory.SourcePrefix);
        var trg = SubwordTokenizer.Load(dir.Path, ModelDirectory.TargetPrefix);
        var dev = ComputeDevice.Resolve(device ?? config.Device);
        var model = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
        string path = dir.Combine(checkpoint);
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such checkpoint (training has not validated yet?)");
        Checkpoint.Load(path, model);
        model.to(dev);
        model.eval();
        return new Translator(config, model, src, trg, dev);
    }

    /// <summary>The decoding settings of the model's config (<c>testing:</c> section).</summary>
    public DecodingOptions DefaultOptions => new()
    {
        BeamSize = Config.Testing.BeamSize,
        Alpha = Config.Testing.Alpha,
        BatchSize = Config.Testing.BatchSize,
        MaxLengthRatio = Config.Testing.MaxLengthRatio,
        MaxLengthOffset = Config.Testing.MaxLengthOffset,
    };

    /// <summary>Translates <paramref name="sentences"/>; result i belongs to sentence i. Empty input gives empty output.</summary>
    public IReadOnlyList<Translation> Translate(IReadOnlyList<string> sentences, DecodingOptions? options = null)
    {
        options ??= DefaultOptions;
        var results = new Translation[sentences.Count];
        var ids = new List<int[]>();
        var where = new List<int>();
        for (int i = 0; i < sentences.Count; i++)
        {
            string s = Config.Data.Lowercase ? sentences[i].ToLowerInvariant() : sentences[i];
            var encoded = string.IsNullOrWhiteSpace(s) ? [] : SourceTokenizer.Encode(s);
            if (encoded.Length == 0)
            {
                results[i] = new Translation("", 0, [], [], null);
                continue;
            }
            ids.Add(encoded);
            where.Add(i);
        }
        var hyps = BatchDecoding.Decode(model, ids, options, device);
        for (int k = 0; k < hyps.Length; k++)
        {
            var h = hyps[k];
            results[where[k]] = new Translation(TargetTokenizer.Decode(h.Ids), h.Score,
                [.. h.Ids.Select(TargetTokenizer.IdToToken)], [.. ids[k].Select(SourceTokenizer.IdToToken)], h.Attention);
        }
        return results;
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}

/// <summary>One translation.</summary>
/// <param name="Text">Detokenized output text.</param>
/// <param name="Score">Total log-probability of the output subwords (EOS included).</param>
/// <param name="Tokens">Output subwords.</param>
/// <param name="SourceTokens">Input subwords.</param>
/// <param name="Attention">Attention weights, one row per output subword (and EOS), over the source subwords (and EOS); when requested.</param>
public sealed record Translation(string Text, double Score, IReadOnlyList<string> Tokens, IReadOnlyList<string> SourceTokens,
    float[][]? Attention);
