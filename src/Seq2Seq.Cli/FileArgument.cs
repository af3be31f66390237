namespace Seq2Seq.Cli;

/// <summary>
/// Checks a file path the user gave on the command line before anything reads or writes it, so that a folder given
/// where a file belongs is called a folder (the runtime would say "access denied" or "not found", or fail only when
/// the output is renamed into place at the end).
/// </summary>
internal static class FileArgument
{
    /// <summary>
    /// Returns <paramref name="path"/> when it names an existing file; <paramref name="what"/> (e.g. "config") names
    /// the kind of file in the messages.
    /// </summary>
    /// <exception cref="UserErrorException">The path is a folder or does not exist.</exception>
    public static string Existing(string path, string? what = null)
    {
        NotAFolder(path, what);
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such {Kind(what)}");
        return path;
    }

    /// <summary>Returns <paramref name="path"/> unless it names a folder (an output file may not exist yet).</summary>
    /// <exception cref="UserErrorException">The path is a folder.</exception>
    public static string NotAFolder(string path, string? what = null) =>
        Directory.Exists(path) ? throw new UserErrorException($"{path} is a folder, not a {Kind(what)}") : path;

    private static string Kind(string? what) => what is null ? "file" : $"{what} file";
}
