namespace Seq2Seq.Config;

/// <summary>The keys whose values differ between two configs, as <c>model.encoder_hidden: 256 → 512</c>.</summary>
internal static class ConfigDiff
{
    /// <summary>The differing keys of the top-level <paramref name="sections"/> (snake_case), in schema order.</summary>
    public static IReadOnlyList<string> Differences(object before, object after, IReadOnlyCollection<string> sections)
    {
        var differences = new List<string>();
        foreach (var property in ConfigSchema.Properties(before.GetType()))
        {
            var key = ConfigNames.SnakeCase(property.Name);
            if (sections.Contains(key))
            {
                Compare(property.GetValue(before), property.GetValue(after), key, differences);
            }
        }
        return differences;
    }

    private static void Compare(object? before, object? after, string path, List<string> differences)
    {
        if (before is not null && after is not null && ConfigSchema.IsSection(before.GetType()))
        {
            foreach (var property in ConfigSchema.Properties(before.GetType()))
            {
                Compare(property.GetValue(before), property.GetValue(after), $"{path}.{ConfigNames.SnakeCase(property.Name)}", differences);
            }
            return;
        }
        string old = ConfigWriter.Format(before), now = ConfigWriter.Format(after);
        if (old != now)
        {
            differences.Add($"{path}: {old} → {now}");
        }
    }
}
