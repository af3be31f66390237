namespace Seq2Seq.Tests;

/// <summary>Where the repository and the shared data are, seen from the test assembly.</summary>
internal static class TestPaths
{
    /// <summary>The folder holding Seq2Seq.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// The Multi30k folder, as the benchmark scripts find it: MULTI30K when set, else data/multi30k (where
    /// scripts/get-multi30k.sh puts it), else ../shared/data/multi30k beside the repository. Tests that need it skip
    /// when it is absent.
    /// </summary>
    public static string Multi30k
    {
        get
        {
            if (Environment.GetEnvironmentVariable("MULTI30K") is { Length: > 0 } set) return Path.GetFullPath(set);
            string local = Path.Combine(RepoRoot, "data", "multi30k");
            return Directory.Exists(local) ? local : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "multi30k"));
        }
    }

    /// <summary>A fresh empty temporary folder.</summary>
    public static string NewTempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "seq2seq-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Seq2Seq.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Seq2Seq.sln not found above " + AppContext.BaseDirectory);
    }
}
