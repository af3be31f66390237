using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Seq2Seq.Config;

/// <summary>
/// Reads one YAML config file into a config record and checks what each property declares: keys are the snake_case
/// names of the record's properties, found by reflection; a closed choice is an enum whose members' YAML names are
/// the allowed values; <see cref="RequiredAttribute"/> and <see cref="RangeAttribute"/> on a property are its rules.
/// Every problem is a one-line <see cref="UserErrorException"/> naming the file and, where there is one, the line,
/// with the closest key or value when one is near: <c>x.yaml:12: unknown key 'learnig_rate' in training (did you
/// mean 'learning_rate'?)</c>. The binder remembers each key's line, so later (cross-field) checks can name it too.
/// </summary>
internal sealed partial class ConfigBinder(string file)
{
    private readonly Dictionary<string, int> lines = [];          // dotted key path -> its line in the file
    private readonly Dictionary<string, string> badChoices = [];  // dotted key path -> a value no member is named
    private Type schema = typeof(object);

    /// <summary>Parses <paramref name="yaml"/> into a <typeparamref name="T"/> (defaults for omitted keys) and checks the declared rules.</summary>
    public T Read<T>(string yaml) where T : new()
    {
        schema = typeof(T);
        var config = (T)Bind(typeof(T), ReadRoot(yaml), "");
        CheckDeclaredRules(config!);
        return config;
    }

    /// <summary><c>file:line: key</c> for a key of the file read, or <c>file: key</c> when the file does not spell it.</summary>
    public string At(string key) =>
        lines.TryGetValue(key, out var line) ? $"{file}:{line}: {key}" : $"{file}: {key}";

    /// <summary>Whether the file read spells <paramref name="key"/> (a dotted path), rather than leaving it to its default.</summary>
    public bool Spells(string key) => lines.ContainsKey(key);

    // ---------------------------------------------------------------- reading

    private YamlMappingNode ReadRoot(string yaml)
    {
        var textLines = yaml.Split('\n');
        for (var i = 0; i < textLines.Length; i++)
        {
            // YamlDotNet reports a tab in the indentation at the start of the enclosing mapping; name the line itself.
            var indent = textLines[i][..(textLines[i].Length - textLines[i].TrimStart(' ', '\t').Length)];
            if (indent.Contains('\t', StringComparison.Ordinal) && textLines[i].Trim().Length > 0 && !textLines[i].TrimStart().StartsWith('#'))
            {
                throw new UserErrorException($"{file}:{i + 1}: YAML syntax error: a tab in the indentation (YAML indents with spaces)");
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
            throw new UserErrorException($"{file}:{e.Start.Line}: {message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet 18 fails this way on some unclosed flow collections ("[1, 2" then a new key).
            throw new UserErrorException($"{file}:{LastParsedLine(yaml)}: YAML syntax error: unclosed '[' or '{{', or a key where a value was expected", e);
        }
        if (stream.Documents.Count == 0)
        {
            throw new UserErrorException($"{file}: the config is empty");
        }
        if (stream.Documents.Count > 1)
        {
            throw new UserErrorException($"{file}:{stream.Documents[1].RootNode.Start.Line}: expected one YAML document, found {stream.Documents.Count}");
        }
        var root = stream.Documents[0].RootNode;
        if (IsNull(root))
        {
            throw new UserErrorException($"{file}: the config is empty");
        }
        if (root is not YamlMappingNode mapping)
        {
            throw new UserErrorException($"{file}:{root.Start.Line}: expected a mapping of keys to values at the top level, got {Describe(root)}");
        }
        return mapping;
    }

    /// <summary>Fills a new record of <paramref name="type"/> from a mapping node, recording the line of every key seen.</summary>
    private object Bind(Type type, YamlMappingNode node, string section)
    {
        var instance = Activator.CreateInstance(type)!;
        var properties = ConfigSchema.Properties(type).ToDictionary(p => ConfigNames.SnakeCase(p.Name), StringComparer.Ordinal);
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
            property.SetValue(instance, Convert(property, valueNode, keyNode.Start.Line, path));
        }
        return instance;
    }

    private object? Convert(PropertyInfo property, YamlNode node, long keyLine, string path)
    {
        var type = property.PropertyType;
        var at = $"{file}:{keyLine}: {path}"; // the key's line: a block value starts on the next one
        if (ConfigSchema.IsSection(type))
        {
            if (IsNull(node))
            {
                return Activator.CreateInstance(type); // an empty section: all defaults
            }
            if (node is not YamlMappingNode mapping)
            {
                throw new UserErrorException($"{at}: expected a mapping (a section of keys), got {Describe(node)}");
            }
            return Bind(type, mapping, path);
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
        if (type == typeof(TestSets) && node is YamlSequenceNode prefixes)
        {
            var items = new List<string>();
            foreach (var item in prefixes.Children)
            {
                if (item is not YamlScalarNode { Value: { Length: > 0 } prefix } || IsNull(item))
                    throw new UserErrorException($"{file}:{item.Start.Line}: {path}: expected a list of corpus prefixes, got {Describe(item)} in it");
                items.Add(prefix);
            }
            if (items.Count == 0) throw new UserErrorException($"{at}: expected at least one corpus prefix, got an empty list");
            return new TestSets(items);
        }
        if (node is not YamlScalarNode scalar)
        {
            throw new UserErrorException($"{at}: expected {Expected(type)}, got {Describe(node)}");
        }
        var raw = scalar.Value ?? "";
        if (type == typeof(string) || type == typeof(TestSets) || ConfigSchema.ChoiceType(type) is not null)
        {
            if (IsNull(scalar))
            {
                if (Nullable.GetUnderlyingType(type) is not null
                    || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable)
                {
                    return null;
                }
                throw new UserErrorException($"{at}: expected a string, got an empty value");
            }
            if (ConfigSchema.ChoiceType(type) is not { } choices)
            {
                return type == typeof(TestSets) ? new TestSets([raw]) : (object)raw;
            }
            if (ConfigNames.TryParse(choices, raw, out var choice))
            {
                return choice;
            }
            badChoices[path] = raw; // reported with the other rules, after the required keys
            return Activator.CreateInstance(type);
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

    // ---------------------------------------------------------------- declared rules

    /// <summary>
    /// The rules the schema declares, in this order: required keys present, then non-empty; closed choices named by
    /// one of their members; numbers within their <see cref="RangeAttribute"/>. Each in schema order.
    /// </summary>
    private void CheckDeclaredRules(object config)
    {
        var leaves = ConfigSchema.Leaves(config).ToList();
        var required = leaves.Where(l => l.Property.IsDefined(typeof(RequiredAttribute))).ToList();
        var missing = required.Where(l => !lines.ContainsKey(l.Path)).Select(l => l.Path).ToList();
        if (missing.Count > 0)
        {
            throw new UserErrorException($"{file}: missing required key{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
        }
        foreach (var (path, _, value) in required)
        {
            if (value is string s && s.Trim().Length == 0)
            {
                throw new UserErrorException($"{At(path)}: must not be empty");
            }
        }
        foreach (var (path, property, _) in leaves)
        {
            if (badChoices.TryGetValue(path, out var value))
            {
                var allowed = ConfigNames.YamlNames(ConfigSchema.ChoiceType(property.PropertyType)!);
                throw new UserErrorException($"{At(path)}: unknown value '{value}' (allowed: {string.Join(", ", allowed)}){Suggest(value, allowed, null)}");
            }
        }
        foreach (var (path, property, value) in leaves)
        {
            if (property.GetCustomAttribute<RangeAttribute>() is { } range
                && !range.Allows(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)))
            {
                throw new UserErrorException($"{At(path)}: {range.Rule}, got {ConfigWriter.Format(value)}");
            }
        }
    }

    // ---------------------------------------------------------------- describing and suggesting

    internal static bool IsNullWord(string s) => s is "" or "~" or "null" or "Null" or "NULL";

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar && IsNullWord(scalar.Value ?? "");

    private static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

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
            var elsewhere = ConfigSchema.Leaves(Activator.CreateInstance(schema)!).Select(l => l.Path)
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

    // ---------------------------------------------------------------- line numbers

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

    /// <summary><c>file:line: </c> for a dotted key of a config file on disk, or <c>file: </c> when its line cannot be found.</summary>
    public static string Where(string path, string key) => FindLine(path, key) is { } l ? $"{path}:{l}: " : $"{path}: ";

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
