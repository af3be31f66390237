namespace Seq2Seq;

/// <summary>
/// Writes a file through a temporary name (<c>{path}.tmp-{pid}</c>), flushed to disk and renamed, so readers
/// never see half of it and a crash or a full disk leaves the previous file as it was. Devices and the process's
/// own streams (<c>/dev/null</c>, <c>/dev/stdout</c>, <c>/proc/self/fd/1</c>, ...) are written in place: renaming
/// over them would replace the device with a plain file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Matches the temporary files of <see cref="Write"/>, which a killed process may leave behind.</summary>
    public const string TemporaryPattern = "*.tmp-*";

    /// <summary>The temporary name this process writes <paramref name="path"/> under before renaming it.</summary>
    public static string TemporaryPath(string path) => $"{path}.tmp-{Environment.ProcessId}";

    /// <summary>
    /// True when <paramref name="path"/> names a device or a process stream rather than a file (it, or the final
    /// target of its links, lies under <c>/dev</c> or <c>/proc</c>): such a path is written in place, never through
    /// a temporary file and a rename.
    /// </summary>
    public static bool IsDeviceOrStream(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        string full = Path.GetFullPath(path);
        try
        {
            if (File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target) full = target.FullName;
        }
        catch (IOException)
        {
            // A link we cannot follow: judge by its own name.
        }
        return (full.StartsWith("/dev/", StringComparison.Ordinal) && !full.StartsWith("/dev/shm/", StringComparison.Ordinal))
            || full.StartsWith("/proc/", StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes <paramref name="path"/> atomically with <paramref name="write"/>. On failure the temporary file
    /// is removed and the exception (IOException etc.) propagates; <paramref name="path"/> is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        if (IsDeviceOrStream(path))
        {
            using var device = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write(device);
            return;
        }
        string temp = TemporaryPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically; I/O failures are user errors naming the file.</summary>
    public static void WriteAllText(string path, string text)
    {
        try
        {
            Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                writer.Write(text);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot write ({e.Message})", e);
        }
    }
}
