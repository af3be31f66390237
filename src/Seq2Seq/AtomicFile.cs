namespace Seq2Seq;

/// <summary>
/// Writes a file through a temporary name (<c>{path}.tmp-{pid}</c>), flushed to disk and renamed, so readers
/// never see half of it and a crash or a full disk leaves the previous file as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically with <paramref name="write"/>. On failure the temporary file
    /// is removed and the exception (IOException etc.) propagates; <paramref name="path"/> is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string temp = $"{path}.tmp-{Environment.ProcessId}";
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
