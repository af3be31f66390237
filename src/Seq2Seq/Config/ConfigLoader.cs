namespace Seq2Seq.Config;

/// <summary>
/// Reads, validates and writes <see cref="Seq2SeqConfig"/> YAML files. Every problem is reported as a
/// <see cref="UserErrorException"/> with a one-line message that names the file and, where there is
/// one, the line: <c>configs/x.yaml:12: unknown key 'learnig_rate' in training (did you mean 'learning_rate'?)</c>.
/// </summary>
/// <remarks>
/// YAML keys are the snake_case form of the record property names and are mapped by reflection
/// (<see cref="ConfigBinder"/>), so a new key is one new property; its rules (<see cref="RequiredAttribute"/>,
/// <see cref="RangeAttribute"/>, an enum type for a closed choice) are declared on it. The rules that relate
/// several keys are below. Relative paths (<c>model_dir</c>, <c>data.train</c>, …) are kept as written and are
/// resolved against the current directory when used, as JoeyNMT does.
/// </remarks>
public static partial class ConfigLoader
{
    /// <summary>Reads and validates a config file.</summary>
    /// <param name="path">The YAML file; it is named as given in error messages.</param>
    /// <returns>The config, with defaults for every omitted key.</returns>
    /// <exception cref="UserErrorException">The file is missing, is not valid YAML or breaks the schema.</exception>
    public static Seq2SeqConfig Load(string path) => Parse(ReadText(path), path);

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read config: {e.Message}", e);
        }
    }

    /// <summary>Parses and validates config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The config, with defaults for every omitted key.</returns>
    /// <exception cref="UserErrorException">The text is not valid YAML or breaks the schema.</exception>
    public static Seq2SeqConfig Parse(string yaml, string fileName)
    {
        var binder = new ConfigBinder(fileName);
        var config = binder.Read<Seq2SeqConfig>(yaml);
        CheckConsistency(config, binder);
        return config;
    }

    /// <summary>
    /// Checks that the corpus files named by <c>data.train</c>, <c>data.dev</c> and (if set) every <c>data.test</c>
    /// exist for both languages: <c>{prefix}.{src}</c> and <c>{prefix}.{trg}</c>.
    /// </summary>
    /// <param name="config">A config returned by <see cref="Load"/> or <see cref="Parse"/>.</param>
    /// <param name="path">The config file, for the error message (its line numbers are looked up when it can be read).</param>
    /// <param name="baseDirectory">Directory that relative prefixes are resolved against; the current directory by default.</param>
    /// <exception cref="UserErrorException">A corpus file does not exist; the message names the first one.</exception>
    public static void CheckFiles(Seq2SeqConfig config, string path, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var baseDir = baseDirectory ?? Directory.GetCurrentDirectory();
        var corpora = new[] { ("data.train", config.Data.Train), ("data.dev", config.Data.Dev) }
            .Concat((config.Data.Test ?? new TestSets([])).Select(t => ("data.test", t)));
        foreach (var (key, prefix) in corpora)
        {
            if (string.IsNullOrEmpty(prefix))
            {
                continue;
            }
            foreach (var lang in new[] { config.Data.Src, config.Data.Trg })
            {
                var file = $"{prefix}.{lang}";
                if (!File.Exists(Path.Combine(baseDir, file)))
                {
                    throw new UserErrorException($"{ConfigBinder.Where(path, key)}{key}: no file {file}");
                }
            }
        }
    }

    /// <summary>
    /// Writes the fully resolved config, every key included, in the schema's order. This is what
    /// <c>&lt;model_dir&gt;/config.yaml</c> holds; <see cref="Parse"/> reads it back to an equal config.
    /// </summary>
    /// <param name="config">The config to write.</param>
    /// <returns>YAML text.</returns>
    public static string ToYaml(Seq2SeqConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ConfigWriter.Write(config);
    }

    /// <summary>
    /// Lists the keys of the given top-level <paramref name="sections"/> whose values differ between two
    /// configs, in schema order, as <c>model.encoder_hidden: 256 → 512</c>.
    /// </summary>
    /// <param name="before">The config a model was trained with.</param>
    /// <param name="after">The config of the new run.</param>
    /// <param name="sections">Top-level section names in snake_case, e.g. <c>model</c>, <c>subwords</c>.</param>
    /// <returns>One string per differing key; empty when the sections agree.</returns>
    public static IReadOnlyList<string> Differences(Seq2SeqConfig before, Seq2SeqConfig after, params string[] sections)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return ConfigDiff.Differences(before, after, sections);
    }

    /// <summary>The rules that relate several keys, or a key to something outside the schema.</summary>
    private static void CheckConsistency(Seq2SeqConfig config, ConfigBinder binder)
    {
        int specials = Text.TextTokenizer.SpecialTokens.Count;
        foreach (var (key, size) in new[] { ("subwords.src_vocab_size", config.Subwords.SrcVocabSize), ("subwords.trg_vocab_size", config.Subwords.TrgVocabSize) })
        {
            if (size <= specials)
            {
                throw new UserErrorException($"{binder.At(key)}: must be more than {specials} " +
                    $"(the special tokens {string.Join(" ", Text.TextTokenizer.SpecialTokens)} take that many ids), got {size}");
            }
        }
        var betas = config.Training.Betas;
        if (betas.Count != 2 || betas.Any(b => b is < 0 or >= 1))
        {
            throw new UserErrorException($"{binder.At("training.betas")}: expected two numbers in [0, 1), got [{string.Join(", ", betas.Select(b => ConfigWriter.Format(b)))}]");
        }
        // Adam's first step is learning_rate / (1 - beta1), computed in float32: beyond its range libtorch throws.
        if (config.Training.LearningRate / (1 - betas[0]) > float.MaxValue)
        {
            throw new UserErrorException($"{binder.At("training.learning_rate")}: {ConfigWriter.Format(config.Training.LearningRate)} is too large " +
                $"(Adam's first step, learning_rate / (1 - betas[0]), must fit in a float32)");
        }
        var m = config.Model;
        if (m.DecoderLayers != 1)
        {
            throw new UserErrorException($"{binder.At("model.decoder_layers")}: only 1 is supported (the decoder is one recurrent cell " +
                $"with attention and input feeding), got {m.DecoderLayers}");
        }
        int encoderOutput = m.EncoderHidden * (m.Bidirectional ? 2 : 1);
        if (m.Attention == AttentionType.LuongDot && m.DecoderHidden != encoderOutput)
        {
            throw new UserErrorException($"{binder.At("model.attention")}: luong_dot scores h_t·enc_s, so model.decoder_hidden ({m.DecoderHidden}) " +
                $"must equal the encoder's output size ({m.EncoderHidden}{(m.Bidirectional ? " × 2 directions" : "")} = {encoderOutput}); use luong_general, or change the sizes");
        }
        if (config.Data.Src == config.Data.Trg)
        {
            throw new UserErrorException($"{binder.At("data.trg")}: the source and target suffixes are both '{config.Data.Src}'");
        }
        var t = config.Training;
        if (t.EvalMetric == EvalMetric.Accuracy)
            throw new UserErrorException($"{binder.At("training.eval_metric")}: accuracy scores sentence classifiers; a translation model is scored by bleu or loss");
        if (t.Epochs == 0 && t.MaxSteps == 0 && t.MaxMinutes == 0)
        {
            throw new UserErrorException($"{binder.At("training.epochs")}: training would never stop: set epochs, max_steps or max_minutes");
        }
    }
}
