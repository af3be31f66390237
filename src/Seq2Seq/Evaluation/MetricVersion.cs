using System.Reflection;

namespace Seq2Seq.Evaluation;

/// <summary>The version name our metric signatures carry in place of sacrebleu's version number.</summary>
public static class MetricVersion
{
    /// <summary><c>"seq2seq-"</c> + the library's informational version (without a source-revision suffix), e.g. <c>seq2seq-0.1.0</c>.</summary>
    public static string Name { get; } = "seq2seq-" + LibraryVersion();

    private static string LibraryVersion()
    {
        string? v = typeof(MetricVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(v))
        {
            return "0.1.0";
        }
        int plus = v.IndexOf('+');
        return plus >= 0 ? v[..plus] : v;
    }
}
