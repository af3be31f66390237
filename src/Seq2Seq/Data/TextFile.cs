using System.Text;

namespace Seq2Seq.Data;

/// <summary>
/// Reads corpus files line by line as users have them: UTF-8 with or without a BOM, LF or CRLF endings.
/// Invalid UTF-8 is an error naming the file and line, never silently replaced.
/// </summary>
public static class TextFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads every line of <paramref name="path"/> (without line terminators).</summary>
    public static List<string> ReadLines(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read: {e.Message}", e);
        }
        var lines = new List<string>();
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        int lineNumber = 0;
        while (start < bytes.Length)
        {
            lineNumber++;
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            int next = end < 0 ? bytes.Length : end + 1;
            if (end < 0) end = bytes.Length;
            int length = end - start;
            if (length > 0 && bytes[end - 1] == (byte)'\r') length--;
            lines.Add(DecodeLine(bytes, start, length, path, lineNumber));
            start = next;
        }
        return lines;
    }

    /// <summary>
    /// Reads all of <paramref name="path"/> as one string (a BOM dropped, CRLF line ends turned into LF), for models
    /// that read text as a stream of characters. Invalid UTF-8 is an error naming the file and line.
    /// </summary>
    public static string ReadAllText(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read: {e.Message}", e);
        }
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start).Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        catch (DecoderFallbackException)
        {
            ReadLines(path);   // names the line
            throw new UserErrorException($"{path}: invalid UTF-8");
        }
    }

    /// <summary>Decodes one line strictly; invalid UTF-8 names the file and line.</summary>
    public static string DecodeLine(byte[] bytes, int offset, int count, string path, long lineNumber)
    {
        try
        {
            return StrictUtf8.GetString(bytes, offset, count);
        }
        catch (DecoderFallbackException)
        {
            throw new UserErrorException($"{path}:{lineNumber}: invalid UTF-8");
        }
    }
}
