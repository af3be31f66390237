using System.Text;

namespace Seq2Seq.Config;

/// <summary>
/// How C# names become YAML names: a property <c>EarlyStoppingPatience</c> is the key <c>early_stopping_patience</c>,
/// an enum member <c>AttentionType.LuongDot</c> the value <c>luong_dot</c>. Config files, error messages and logs
/// spell the closed choices this way.
/// </summary>
public static class ConfigNames
{
    /// <summary><c>EarlyStoppingPatience</c> → <c>early_stopping_patience</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
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

    /// <summary>The YAML value of a closed choice: <c>RnnType.Gru</c> → <c>gru</c>, <c>AttentionType.LuongDot</c> → <c>luong_dot</c>.</summary>
    public static string YamlName(this Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SnakeCase(value.ToString());
    }

    /// <summary>The YAML values of every member of <paramref name="enumType"/>, in declaration order.</summary>
    public static IReadOnlyList<string> YamlNames(Type enumType) =>
        [.. Enum.GetValues(enumType).Cast<Enum>().Select(YamlName)];

    /// <summary>The member of <paramref name="enumType"/> whose YAML value is exactly <paramref name="text"/>, if any.</summary>
    public static bool TryParse(Type enumType, string text, out Enum? value)
    {
        value = Enum.GetValues(enumType).Cast<Enum>().FirstOrDefault(v => v.YamlName() == text);
        return value is not null;
    }
}
