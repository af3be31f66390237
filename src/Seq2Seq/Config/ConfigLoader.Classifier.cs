namespace Seq2Seq.Config;

// The sentence classifier's schema (ClassifierConfig), read and checked by the same machinery as the translation
// configs: the same YAML reading, key binding, line numbers, "did you mean" and declared rules.
public static partial class ConfigLoader
{
    /// <summary>Reads and validates a sentence classifier config (<c>seq2seq classify train</c>).</summary>
    /// <param name="path">The YAML file; it is named as given in error messages.</param>
    /// <returns>The config, with defaults for every omitted key.</returns>
    /// <exception cref="UserErrorException">The file is missing, is not valid YAML or breaks the schema.</exception>
    public static ClassifierConfig LoadClassifier(string path) => ParseClassifier(ReadText(path), path);

    /// <summary>Parses and validates sentence classifier config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The config, with defaults for every omitted key; an omitted <c>training.eval_metric</c> is <c>accuracy</c>.</returns>
    /// <exception cref="UserErrorException">The text is not valid YAML or breaks the schema.</exception>
    public static ClassifierConfig ParseClassifier(string yaml, string fileName)
    {
        var binder = new ConfigBinder(fileName);
        var config = binder.Read<ClassifierConfig>(yaml);
        var t = config.Training;
        if (t.EvalMetric == EvalMetric.Bleu)
        {
            // The translation section's default (bleu) means the classifier's own score when the file does not spell it.
            if (binder.Spells("training.eval_metric"))
                throw new UserErrorException($"{binder.At("training.eval_metric")}: a classifier is scored by accuracy or loss, not bleu");
            config = config with { Training = t = t with { EvalMetric = EvalMetric.Accuracy } };
        }
        var betas = t.Betas;
        if (betas.Count != 2 || betas.Any(b => b is < 0 or >= 1))
            throw new UserErrorException($"{binder.At("training.betas")}: expected two numbers in [0, 1), got [{string.Join(", ", betas.Select(b => ConfigWriter.Format(b)))}]");
        if (t.Epochs == 0 && t.MaxSteps == 0 && t.MaxMinutes == 0)
            throw new UserErrorException($"{binder.At("training.epochs")}: training would never stop: set epochs, max_steps or max_minutes");
        if (config.Data.VocabSize <= Text.TextTokenizer.SpecialTokens.Count)
            throw new UserErrorException($"{binder.At("data.vocab_size")}: must be more than {Text.TextTokenizer.SpecialTokens.Count} (the special tokens take that many ids), got {config.Data.VocabSize}");
        if (config.Data.Text == config.Data.Labels)
            throw new UserErrorException($"{binder.At("data.labels")}: the text and label suffixes are both '{config.Data.Text}'");
        return config;
    }

    /// <summary>Checks that the files named by <c>data.train</c>, <c>data.dev</c> and (if set) <c>data.test</c> exist: <c>{prefix}.{text}</c> and <c>{prefix}.{labels}</c>.</summary>
    /// <param name="config">A config returned by <see cref="LoadClassifier"/> or <see cref="ParseClassifier"/>.</param>
    /// <param name="path">The config file, for the error message.</param>
    /// <exception cref="UserErrorException">A file does not exist; the message names the first one and the config line.</exception>
    public static void CheckClassifierFiles(ClassifierConfig config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = config.Data;
        foreach (var (key, prefix) in new[] { ("data.train", d.Train), ("data.dev", d.Dev), ("data.test", d.Test) })
        {
            if (string.IsNullOrEmpty(prefix)) continue;
            foreach (var suffix in new[] { d.Text, d.Labels })
            {
                if (!File.Exists($"{prefix}.{suffix}"))
                    throw new UserErrorException($"{ConfigBinder.Where(path, key)}{key}: no file {prefix}.{suffix}");
            }
        }
    }

    /// <summary>Writes the fully resolved classifier config, every key included (<c>&lt;model_dir&gt;/config.yaml</c>).</summary>
    /// <param name="config">The config to write.</param>
    /// <returns>YAML text.</returns>
    public static string ToYaml(ClassifierConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ConfigWriter.Write(config);
    }

    /// <summary>The keys of the given sections whose values differ between two classifier configs (<see cref="Differences(Seq2SeqConfig, Seq2SeqConfig, string[])"/>).</summary>
    /// <param name="before">The config a model was trained with.</param>
    /// <param name="after">The config of the new run.</param>
    /// <param name="sections">Top-level section names in snake_case.</param>
    /// <returns>One string per differing key.</returns>
    public static IReadOnlyList<string> Differences(ClassifierConfig before, ClassifierConfig after, params string[] sections) =>
        ConfigDiff.Differences(before, after, sections);
}
