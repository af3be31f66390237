using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Seq2Seq.Config;

/// <summary>
/// Writes a config record as YAML, every key in schema order, in the form that <see cref="ConfigBinder"/> reads back
/// to an equal record: numbers that stay numbers (<c>1.0</c>, <c>1.0e-06</c>), strings quoted when YAML would read
/// them as something else, closed choices by their YAML names.
/// </summary>
internal static partial class ConfigWriter
{
    /// <summary>The fully resolved config, with a header line saying so.</summary>
    public static string Write(object config)
    {
        var sb = new StringBuilder();
        sb.Append("# Fully resolved configuration (every key, defaults included), written by Seq2Seq.\n");
        WriteRecord(sb, config, 0);
        return sb.ToString();
    }

    /// <summary>One value as the YAML writes it (also how error messages and differences quote values).</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => QuoteIfNeeded(s),
        Enum e => QuoteIfNeeded(e.YamlName()),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        IEnumerable<double> list => "[" + string.Join(", ", list.Select(FormatDouble)) + "]",
        TestSets { Count: 1 } one => QuoteIfNeeded(one[0]),
        TestSets sets => "[" + string.Join(", ", sets.Select(QuoteIfNeeded)) + "]",
        _ => throw new InvalidOperationException($"Cannot write a {value.GetType()} to YAML."),
    };

    private static void WriteRecord(StringBuilder sb, object record, int indent)
    {
        foreach (var property in ConfigSchema.Properties(record.GetType()))
        {
            var key = ConfigNames.SnakeCase(property.Name);
            var value = property.GetValue(record);
            sb.Append(' ', indent).Append(key).Append(':');
            if (ConfigSchema.IsSection(property.PropertyType))
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
            && !ConfigBinder.IsNullWord(s)
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
}
