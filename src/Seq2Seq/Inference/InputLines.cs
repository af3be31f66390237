using System.Text;

namespace Seq2Seq.Inference;

/// <summary>
/// Reads text to translate, one sentence a line, lazily (a file of any size in constant memory) and leniently:
/// a line is whatever lies between two '\n' (a trailing '\r' is dropped, so CRLF files work; a '\r' elsewhere,
/// and every other control character, stays inside its line), a UTF-8 byte-order mark at the start is skipped,
/// and bytes that are not valid UTF-8 become U+FFFD (which the tokenizer treats as an unseen character). So
/// every input line, whatever its bytes, yields exactly one sentence. The last line needs no final '\n'.
/// </summary>
public static class InputLines
{
    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Enumerates the lines of <paramref name="stream"/>; the stream is read as the sequence is enumerated.</summary>
    public static IEnumerable<string> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadIterator(stream);
    }

    /// <summary>Enumerates the lines of the file at <paramref name="path"/>.</summary>
    /// <exception cref="UserErrorException">The file does not exist or cannot be opened.</exception>
    public static IEnumerable<string> ReadFile(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read: {e.Message}", e);
        }
        return ReadOwned(stream);
    }

    private static IEnumerable<string> ReadOwned(FileStream stream)
    {
        using (stream)
        {
            foreach (string line in ReadIterator(stream)) yield return line;
        }
    }

    private static IEnumerable<string> ReadIterator(Stream stream)
    {
        using var reader = new StreamReader(stream, LenientUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        var buffer = new char[1 << 16];
        var line = new StringBuilder();
        bool first = true, pending = false;
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            int start = 0;
            if (first)
            {
                first = false;
                if (buffer[0] == '\uFEFF') start = 1;
            }
            for (int i = start; i < n; i++)
            {
                if (buffer[i] != '\n') continue;
                line.Append(buffer, start, i - start);
                yield return Finish(line);
                pending = false;
                start = i + 1;
            }
            if (start < n)
            {
                line.Append(buffer, start, n - start);
                pending = true;
            }
        }
        if (pending) yield return Finish(line);
    }

    private static string Finish(StringBuilder line)
    {
        if (line.Length > 0 && line[^1] == '\r') line.Length--;
        string s = line.ToString();
        line.Clear();
        return s;
    }
}
