using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seq2Seq.Config;

/// <summary>
/// Reads, validates and writes <see cref="Seq2SeqConfig"/> YAML files. Every problem is reported as a
/// <see cref="UserErrorException"/> with a one-line message that names the file and, where there is
/// one, the line: <c>configs/x.yaml:12: unknown key 'learnig_rate' in training (did you mean 'learning_rate'?)</c>.
/// </summary>
/// <remarks>
/// YAML keys are the snake_case form of the record property names and are mapped by reflection, so a new
/// key is one new property (plus, if it has a restricted range, one line in the rule table below).
/// Relative paths (<c>model_dir</c>, <c>data.train</c>, …) are kept as written and are resolved against
/// the current directory when used, as JoeyNMT does.
/// </remarks>
public static partial class ConfigLoader
{
    /// <summary>Keys that must be present (and non-empty), as dotted snake_case paths.</summary>
    private static readonly string[] RequiredKeys = ["model_dir", "data.train", "data.dev", "data.src", "data.trg"];

    /// <summary>The corpus prefixes whose files <see cref="CheckFiles"/> looks for.</summary>
    private static readonly string[] CorpusKeys = ["data.train", "data.dev", "data.test"];

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
        var root = ReadRoot(yaml, fileName);
        var lines = new Dictionary<string, int>();
        var config = (Seq2SeqConfig)Bind(typeof(Seq2SeqConfig), root, "", fileName, lines, typeof(Seq2SeqConfig));
        Validate(config, fileName, lines);
        return config;
    }

    /// <summary>
    /// Checks that the corpus files named by <c>data.train</c>, <c>data.dev</c> and (if set) <c>data.test</c>
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
        foreach (var key in CorpusKeys)
        {
            var prefix = key switch
            {
                "data.train" => config.Data.Train,
                "data.dev" => config.Data.Dev,
                _ => config.Data.Test,
            };
            if (string.IsNullOrEmpty(prefix))
            {
                continue;
            }
            foreach (var lang in new[] { config.Data.Src, config.Data.Trg })
            {
                var file = $"{prefix}.{lang}";
                if (!File.Exists(Path.Combine(baseDir, file)))
                {
                    throw new UserErrorException($"{Where(path, FindLine(path, key))}{key}: no file {file}");
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
        return WriteYaml(config);
    }

    private static string WriteYaml(object config)
    {
        var sb = new StringBuilder();
        sb.Append("# Fully resolved configuration (every key, defaults included), written by Seq2Seq.\n");
        WriteRecord(sb, config, 0);
        return sb.ToString();
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
        var differences = new List<string>();
        foreach (var property in Properties(typeof(Seq2SeqConfig)))
        {
            var key = SnakeCase(property.Name);
            if (sections.Contains(key))
            {
                Compare(property.GetValue(before), property.GetValue(after), key, differences);
            }
        }
        return differences;
    }

    private static void Compare(object? before, object? after, string path, List<string> differences)
    {
        if (before is not null && after is not null && IsSection(before.GetType()))
        {
            foreach (var property in Properties(before.GetType()))
            {
                Compare(property.GetValue(before), property.GetValue(after), $"{path}.{SnakeCase(property.Name)}", differences);
            }
            return;
        }
        string old = Format(before), now = Format(after);
        if (old != now)
        {
            differences.Add($"{path}: {old} → {now}");
        }
    }

    // ---------------------------------------------------------------- reading

    private static YamlMappingNode ReadRoot(string yaml, string fileName)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            // YamlDotNet reports a tab in the indentation at the start of the enclosing mapping; name the line itself.
            var indent = lines[i][..(lines[i].Length - lines[i].TrimStart(' ', '\t').Length)];
            if (indent.Contains('\t', StringComparison.Ordinal) && lines[i].Trim().Length > 0 && !lines[i].TrimStart().StartsWith('#'))
            {
                throw new UserErrorException($"{fileName}:{i + 1}: YAML syntax error: a tab in the indentation (YAML indents with spaces)");
            }
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var raw = StripMarks(e.Message);
            var message = raw.StartsWith("Duplicate key ", StringComparison.Ordinal)
                ? $"duplicate key '{raw["Duplicate key ".Length..]}'"
                : "YAML syntax error: " + raw;
            throw new UserErrorException($"{fileName}:{e.Start.Line}: {message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet 18 fails this way on some unclosed flow collections ("[1, 2" then a new key).
            throw new UserErrorException($"{fileName}:{LastParsedLine(yaml)}: YAML syntax error: unclosed '[' or '{{', or a key where a value was expected", e);
        }
        if (stream.Documents.Count == 0)
        {
            throw new UserErrorException($"{fileName}: the config is empty");
        }
        if (stream.Documents.Count > 1)
        {
            throw new UserErrorException($"{fileName}:{stream.Documents[1].RootNode.Start.Line}: expected one YAML document, found {stream.Documents.Count}");
        }
        var root = stream.Documents[0].RootNode;
        if (IsNull(root))
        {
            throw new UserErrorException($"{fileName}: the config is empty");
        }
        if (root is not YamlMappingNode mapping)
        {
            throw new UserErrorException($"{fileName}:{root.Start.Line}: expected a mapping of keys to values at the top level, got {Describe(root)}");
        }
        return mapping;
    }

    /// <summary>
    /// Fills a new record of <paramref name="type"/> from a mapping node, recording the line of every key seen;
    /// <paramref name="schema"/> is the root record, searched for the section an unknown key belongs in.
    /// </summary>
    private static object Bind(Type type, YamlMappingNode node, string section, string file, Dictionary<string, int> lines, Type schema)
    {
        var instance = Activator.CreateInstance(type)!;
        var properties = Properties(type).ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw new UserErrorException($"{file}:{keyNode.Start.Line}: expected a plain key {InSection(section)}, got {Describe(keyNode)}");
            }
            if (!properties.TryGetValue(key, out var property))
            {
                throw new UserErrorException($"{file}:{keyNode.Start.Line}: unknown key '{key}' {InSection(section)}{Suggest(key, properties.Keys, schema)}");
            }
            var path = section.Length == 0 ? key : $"{section}.{key}";
            lines[path] = (int)keyNode.Start.Line;
            property.SetValue(instance, Convert(property, valueNode, keyNode.Start.Line, path, file, lines, schema));
        }
        return instance;
    }

    private static object? Convert(PropertyInfo property, YamlNode node, long keyLine, string path, string file, Dictionary<string, int> lines, Type schema)
    {
        var type = property.PropertyType;
        var at = $"{file}:{keyLine}: {path}"; // the key's line: a block value starts on the next one
        if (IsSection(type))
        {
            if (IsNull(node))
            {
                return Activator.CreateInstance(type); // an empty section: all defaults
            }
            if (node is not YamlMappingNode mapping)
            {
                throw new UserErrorException($"{at}: expected a mapping (a section of keys), got {Describe(node)}");
            }
            return Bind(type, mapping, path, file, lines, schema);
        }
        if (type == typeof(IReadOnlyList<double>))
        {
            if (node is not YamlSequenceNode sequence)
            {
                throw new UserErrorException($"{at}: expected a list of numbers such as [0.9, 0.999], got {Describe(node)}");
            }
            var values = new List<double>();
            foreach (var item in sequence.Children)
            {
                if (item is not YamlScalarNode { Value: { } text } || !TryParseDouble(text, out var value))
                {
                    throw new UserErrorException($"{file}:{item.Start.Line}: {path}: expected a list of numbers, got {Describe(item)} in it");
                }
                values.Add(value);
            }
            return values.ToArray();
        }
        if (node is not YamlScalarNode scalar)
        {
            throw new UserErrorException($"{at}: expected {Expected(type)}, got {Describe(node)}");
        }
        var raw = scalar.Value ?? "";
        if (type == typeof(string))
        {
            if (IsNull(scalar))
            {
                if (new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable)
                {
                    return null;
                }
                throw new UserErrorException($"{at}: expected a string, got an empty value");
            }
            return raw;
        }
        if (IsNull(scalar))
        {
            throw new UserErrorException($"{at}: expected {Expected(type)}, got an empty value");
        }
        if (type == typeof(int))
        {
            return int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new UserErrorException($"{at}: expected an integer, got '{raw}'");
        }
        if (type == typeof(double))
        {
            return TryParseDouble(raw, out var value)
                ? value
                : throw new UserErrorException($"{at}: expected a number, got '{raw}'");
        }
        if (type == typeof(bool))
        {
            return raw switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                _ => throw new UserErrorException($"{at}: expected true or false, got '{raw}'"),
            };
        }
        throw new InvalidOperationException($"Config property {property.DeclaringType?.Name}.{property.Name} has unsupported type {type}.");
    }

    // ---------------------------------------------------------------- validation

    private enum Check { Positive, NonNegative, UnitOpen, UnitHalfOpen }

    /// <summary>The token levels of <c>subwords.type</c>, <c>src_type</c> and <c>trg_type</c>.</summary>
    private static readonly string[] TokenLevels = ["bpe", "char", "word"];

    /// <summary>Allowed values of the enumerated string keys (a key that may be null is checked only when set).</summary>
    private static readonly Dictionary<string, string[]> Choices = new()
    {
        ["device"] = ["cpu", "cuda", "auto"],
        ["subwords.type"] = TokenLevels,
        ["subwords.src_type"] = TokenLevels,
        ["subwords.trg_type"] = TokenLevels,
        ["model.rnn_type"] = ["gru", "lstm", "rnn"],
        ["model.attention"] = ["bahdanau", "luong_dot", "luong_general", "none"],
        ["training.optimizer"] = ["adam"],
        ["training.batch_type"] = ["sentences", "tokens"],
        ["training.eval_metric"] = ["bleu", "loss"],
    };

    /// <summary>Range of the numeric keys; a numeric key not listed here may take any value.</summary>
    private static readonly Dictionary<string, Check> Ranges = new()
    {
        ["threads"] = Check.NonNegative,
        ["data.max_length"] = Check.Positive,
        ["subwords.src_vocab_size"] = Check.Positive,
        ["subwords.trg_vocab_size"] = Check.Positive,
        ["subwords.min_frequency"] = Check.Positive,
        ["model.embedding_dim"] = Check.Positive,
        ["model.encoder_hidden"] = Check.Positive,
        ["model.encoder_layers"] = Check.Positive,
        ["model.decoder_hidden"] = Check.Positive,
        ["model.decoder_layers"] = Check.Positive,
        ["model.attention_dim"] = Check.Positive,
        ["model.dropout"] = Check.UnitHalfOpen,
        ["training.learning_rate"] = Check.Positive,
        ["training.weight_decay"] = Check.NonNegative,
        ["training.clip_grad_norm"] = Check.NonNegative,
        ["training.label_smoothing"] = Check.UnitHalfOpen,
        ["training.batch_size"] = Check.Positive,
        ["training.epochs"] = Check.NonNegative,
        ["training.max_steps"] = Check.NonNegative,
        ["training.max_minutes"] = Check.NonNegative,
        ["training.validation_freq"] = Check.Positive,
        ["training.logging_freq"] = Check.Positive,
        ["training.patience"] = Check.NonNegative,
        ["training.decrease_factor"] = Check.UnitOpen,
        ["training.min_lr"] = Check.NonNegative,
        ["training.early_stopping_patience"] = Check.NonNegative,
        ["training.keep_best_ckpts"] = Check.Positive,
        ["training.max_bad_losses_in_a_row"] = Check.Positive,
        ["testing.beam_size"] = Check.Positive,
        ["testing.alpha"] = Check.NonNegative,
        ["testing.batch_size"] = Check.Positive,
        ["testing.max_length_ratio"] = Check.Positive,
        ["testing.max_length_offset"] = Check.NonNegative,
    };

    /// <summary>The checks every schema has: required keys present and non-empty, enumerated values allowed, numbers in range.</summary>
    private static void CheckRules(object config, string file, Dictionary<string, int> lines, string[] required,
        Dictionary<string, string[]> choices, Dictionary<string, Check> ranges)
    {
        var values = Flatten(config);
        var missing = required.Where(k => !lines.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new UserErrorException($"{file}: missing required key{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
        }
        foreach (var key in required)
        {
            if (values[key] is string s && s.Trim().Length == 0)
            {
                throw new UserErrorException($"{At(file, lines, key)}: must not be empty");
            }
        }
        foreach (var (key, allowed) in choices)
        {
            if (values[key] is not string value)
            {
                continue;
            }
            if (!allowed.Contains(value, StringComparer.Ordinal))
            {
                var hint = Suggest(value, allowed, null);
                throw new UserErrorException($"{At(file, lines, key)}: unknown value '{value}' (allowed: {string.Join(", ", allowed)}){hint}");
            }
        }
        foreach (var (key, check) in ranges)
        {
            var value = System.Convert.ToDouble(values[key], CultureInfo.InvariantCulture);
            var (ok, rule) = check switch
            {
                Check.Positive => (value > 0, "must be positive"),
                Check.NonNegative => (value >= 0, "must be 0 or more"),
                Check.UnitOpen => (value is > 0 and <= 1, "must be in (0, 1]"),
                _ => (value is >= 0 and < 1, "must be in [0, 1)"),
            };
            if (!ok)
            {
                throw new UserErrorException($"{At(file, lines, key)}: {rule}, got {Format(values[key]!)}");
            }
        }
    }

    private static void Validate(Seq2SeqConfig config, string file, Dictionary<string, int> lines)
    {
        CheckRules(config, file, lines, RequiredKeys, Choices, Ranges);
        int specials = Text.TextTokenizer.SpecialTokens.Count;
        foreach (var (key, size) in new[] { ("subwords.src_vocab_size", config.Subwords.SrcVocabSize), ("subwords.trg_vocab_size", config.Subwords.TrgVocabSize) })
        {
            if (size <= specials)
            {
                throw new UserErrorException($"{At(file, lines, key)}: must be more than {specials} " +
                    $"(the special tokens {string.Join(" ", Text.TextTokenizer.SpecialTokens)} take that many ids), got {size}");
            }
        }
        var betas = config.Training.Betas;
        if (betas.Count != 2 || betas.Any(b => b is < 0 or >= 1))
        {
            throw new UserErrorException($"{At(file, lines, "training.betas")}: expected two numbers in [0, 1), got [{string.Join(", ", betas.Select(b => Format(b)))}]");
        }
        // Adam's first step is learning_rate / (1 - beta1), computed in float32: beyond its range libtorch throws.
        if (config.Training.LearningRate / (1 - betas[0]) > float.MaxValue)
        {
            throw new UserErrorException($"{At(file, lines, "training.learning_rate")}: {Format(config.Training.LearningRate)} is too large " +
                $"(Adam's first step, learning_rate / (1 - betas[0]), must fit in a float32)");
        }
        var m = config.Model;
        if (m.DecoderLayers != 1)
        {
            throw new UserErrorException($"{At(file, lines, "model.decoder_layers")}: only 1 is supported (the decoder is one recurrent cell " +
                $"with attention and input feeding), got {m.DecoderLayers}");
        }
        int encoderOutput = m.EncoderHidden * (m.Bidirectional ? 2 : 1);
        if (m.Attention == "luong_dot" && m.DecoderHidden != encoderOutput)
        {
            throw new UserErrorException($"{At(file, lines, "model.attention")}: luong_dot scores h_t·enc_s, so model.decoder_hidden ({m.DecoderHidden}) " +
                $"must equal the encoder's output size ({m.EncoderHidden}{(m.Bidirectional ? " × 2 directions" : "")} = {encoderOutput}); use luong_general, or change the sizes");
        }
        if (config.Data.Src == config.Data.Trg)
        {
            throw new UserErrorException($"{At(file, lines, "data.trg")}: the source and target suffixes are both '{config.Data.Src}'");
        }
        var t = config.Training;
        if (t.Epochs == 0 && t.MaxSteps == 0 && t.MaxMinutes == 0)
        {
            throw new UserErrorException($"{At(file, lines, "training.epochs")}: training would never stop: set epochs, max_steps or max_minutes");
        }
    }

    // ---------------------------------------------------------------- writing

    private static void WriteRecord(StringBuilder sb, object record, int indent)
    {
        foreach (var property in Properties(record.GetType()))
        {
            var key = SnakeCase(property.Name);
            var value = property.GetValue(record);
            sb.Append(' ', indent).Append(key).Append(':');
            if (IsSection(property.PropertyType))
            {
                sb.Append('\n');
                WriteRecord(sb, value!, indent + 2);
            }
            else
            {
                sb.Append(' ').Append(Format(value)).Append('\n');
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => QuoteIfNeeded(s),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        IEnumerable<double> list => "[" + string.Join(", ", list.Select(FormatDouble)) + "]",
        _ => throw new InvalidOperationException($"Cannot write a {value.GetType()} to YAML."),
    };

    private static string FormatDouble(double d)
    {
        var s = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        var mantissa = s.Split('e')[0];
        if (!mantissa.Contains('.', StringComparison.Ordinal))
        {
            s = mantissa + ".0" + s[mantissa.Length..]; // 1 -> 1.0, 1e-06 -> 1.0e-06: clearly a float to any YAML reader
        }
        return s;
    }

    private static string QuoteIfNeeded(string s)
    {
        var plain = PlainScalar().IsMatch(s)
            && !IsNullWord(s)
            && s is not ("true" or "True" or "TRUE" or "false" or "False" or "FALSE" or "yes" or "no" or "on" or "off")
            && !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (plain)
        {
            return s;
        }
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./+\-][A-Za-z0-9_./+\-]*$")]
    private static partial Regex PlainScalar();

    // ---------------------------------------------------------------- helpers

    /// <summary>Public instance properties of a config record, in declaration order.</summary>
    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken);

    /// <summary>A nested section: one of the config records (a class in this namespace).</summary>
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(Seq2SeqConfig).Namespace;

    /// <summary>Every leaf value by dotted snake_case path.</summary>
    private static Dictionary<string, object?> Flatten(object record, string prefix = "", Dictionary<string, object?>? into = null)
    {
        into ??= [];
        foreach (var property in Properties(record.GetType()))
        {
            var path = prefix + SnakeCase(property.Name);
            var value = property.GetValue(record);
            if (IsSection(property.PropertyType))
            {
                Flatten(value!, path + ".", into);
            }
            else
            {
                into[path] = value;
            }
        }
        return into;
    }

    /// <summary><c>EarlyStoppingPatience</c> → <c>early_stopping_patience</c>.</summary>
    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var acronymEnd = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (previousLower || acronymEnd)
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool IsNullWord(string s) => s is "" or "~" or "null" or "Null" or "NULL";

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar && IsNullWord(scalar.Value ?? "");

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "an empty value",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };

    private static string Expected(Type type) =>
        type == typeof(int) ? "an integer"
        : type == typeof(double) ? "a number"
        : type == typeof(bool) ? "true or false"
        : "a string";

    private static string InSection(string section) => section.Length == 0 ? "at the top level" : $"in {section}";

    private static string Where(string file, int? line) => line is { } l ? $"{file}:{l}: " : $"{file}: ";

    private static string At(string file, Dictionary<string, int> lines, string key) =>
        lines.TryGetValue(key, out var line) ? $"{file}:{line}: {key}" : $"{file}: {key}";

    /// <summary>
    /// " (did you mean 'x'?)" for the closest candidate, or, given the root record of the <paramref name="schema"/>,
    /// a note that the key belongs to another section.
    /// </summary>
    private static string Suggest(string word, IEnumerable<string> candidates, Type? schema)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: EditDistance(word.ToLowerInvariant(), c)))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        if (best.Candidate is not null && word.Length >= 4 && best.Distance <= Math.Max(1, Math.Min(3, word.Length / 3)))
        {
            return $" (did you mean '{best.Candidate}'?)";
        }
        if (schema is not null)
        {
            var elsewhere = Flatten(Activator.CreateInstance(schema)!).Keys
                .Where(p => p.EndsWith("." + word, StringComparison.Ordinal) || p == word)
                .Select(p => p.Contains('.', StringComparison.Ordinal) ? p[..p.LastIndexOf('.')] : "the top level")
                .FirstOrDefault();
            if (elsewhere is not null)
            {
                return $" (it belongs in {elsewhere})";
            }
        }
        return "";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the line is reported separately.</summary>
    private static string StripMarks(string message) => MarkPrefix().Replace(message, "").Trim();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();

    /// <summary>The line of the last event the YAML parser produced before it failed.</summary>
    private static long LastParsedLine(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        long line = 1;
        try
        {
            while (parser.MoveNext())
            {
                line = parser.Current!.End.Line;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // stop at the failure
        }
        return line;
    }

    /// <summary>The line of a dotted key in a config file, or null when the file cannot be read or parsed.</summary>
    private static int? FindLine(string path, string key)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            YamlNode? node = stream.Documents.FirstOrDefault()?.RootNode;
            int? line = null;
            foreach (var part in key.Split('.'))
            {
                if (node is not YamlMappingNode mapping)
                {
                    return null;
                }
                var entry = mapping.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == part);
                if (entry.Key is null)
                {
                    return null;
                }
                line = (int)entry.Key.Start.Line;
                node = entry.Value;
            }
            return line;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlException)
        {
            return null;
        }
    }
}
