namespace Seq2Seq.Config;

// The character language model's schema (LanguageModelConfig), read and checked by the same machinery as the
// translation configs: the same YAML reading, key binding, line numbers, "did you mean" and declared rules.
public static partial class ConfigLoader
{
    /// <summary>Reads and validates a character language model config (<c>seq2seq lm train</c>).</summary>
    /// <param name="path">The YAML file; it is named as given in error messages.</param>
    /// <returns>The config, with defaults for every omitted key.</returns>
    /// <exception cref="UserErrorException">The file is missing, is not valid YAML or breaks the schema.</exception>
    public static LanguageModelConfig LoadLanguageModel(string path) => ParseLanguageModel(ReadText(path), path);

    /// <summary>Parses and validates character language model config text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The config, with defaults for every omitted key.</returns>
    /// <exception cref="UserErrorException">The text is not valid YAML or breaks the schema.</exception>
    public static LanguageModelConfig ParseLanguageModel(string yaml, string fileName)
    {
        var binder = new ConfigBinder(fileName);
        var config = binder.Read<LanguageModelConfig>(yaml);
        var t = config.Training;
        // Adam's first step is learning_rate / (1 - 0.9), computed in float32: beyond its range libtorch throws.
        if (t.LearningRate / (1 - 0.9) > float.MaxValue)
        {
            throw new UserErrorException($"{binder.At("training.learning_rate")}: {ConfigWriter.Format(t.LearningRate)} is too large " +
                "(Adam's first step, 10 × learning_rate, must fit in a float32)");
        }
        if (t.MaxSteps == 0 && t.MaxMinutes == 0)
        {
            throw new UserErrorException($"{binder.At("training.max_steps")}: training would never stop: set max_steps or max_minutes");
        }
        return config;
    }

    /// <summary>Checks that the text file named by <c>data</c> exists.</summary>
    /// <param name="config">A config returned by <see cref="LoadLanguageModel"/> or <see cref="ParseLanguageModel"/>.</param>
    /// <param name="path">The config file, for the error message (its line numbers are looked up when it can be read).</param>
    /// <param name="baseDirectory">Directory that a relative <c>data</c> path is resolved against; the current directory by default.</param>
    /// <exception cref="UserErrorException">The file does not exist.</exception>
    public static void CheckTextFile(LanguageModelConfig config, string path, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!File.Exists(Path.Combine(baseDirectory ?? Directory.GetCurrentDirectory(), config.Data)))
        {
            throw new UserErrorException($"{ConfigBinder.Where(path, "data")}data: no file {config.Data}");
        }
    }

    /// <summary>
    /// Writes the fully resolved language model config, every key included, in the schema's order; this is
    /// <c>&lt;model_dir&gt;/config.yaml</c>, and <see cref="ParseLanguageModel"/> reads it back to an equal config.
    /// </summary>
    /// <param name="config">The config to write.</param>
    /// <returns>YAML text.</returns>
    public static string ToYaml(LanguageModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ConfigWriter.Write(config);
    }
}
