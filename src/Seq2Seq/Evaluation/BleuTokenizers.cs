using System.Globalization;
using System.Text;

namespace Seq2Seq.Evaluation;

/// <summary>
/// sacrebleu's BLEU tokenizers: <c>13a</c> (mteval-v13a, the default), <c>intl</c> (mteval-v14 international),
/// <c>none</c> and <c>char</c>. Each takes one line and returns the tokenized line exactly as sacrebleu 2.x does.
/// </summary>
public static class BleuTokenizers
{
    /// <summary>The tokenizer names <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["13a", "intl", "none", "char"];

    /// <summary>The tokenizer function for a name in <see cref="Names"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static Func<string, string> Get(string name) => name switch
    {
        "13a" => Tokenize13a,
        "intl" => TokenizeIntl,
        "none" => TokenizeNone,
        "char" => TokenizeChar,
        _ => throw new ArgumentException($"unknown BLEU tokenizer '{name}' (expected one of {string.Join(", ", Names)})", nameof(name)),
    };

    // ASCII punctuation and symbols 13a always splits off: [{-~[-` -&(-+:-@/].
    private static readonly bool[] Split13a = Build13aTable();

    private static bool[] Build13aTable()
    {
        var t = new bool[128];
        void Range(char a, char b)
        {
            for (char c = a; c <= b; c++)
            {
                t[c] = true;
            }
        }
        Range('{', '~');
        Range('[', '`');
        Range(' ', '&');
        Range('(', '+');
        Range(':', '@');
        t['/'] = true;
        return t;
    }

    [ThreadStatic] private static char[]? t_a;
    [ThreadStatic] private static char[]? t_b;

    /// <summary>
    /// The mteval-v13a tokenizer: deletes <c>&lt;skipped&gt;</c>, unescapes <c>&amp;quot; &amp;amp; &amp;lt; &amp;gt;</c> (in
    /// that order), splits off ASCII punctuation and symbols except <c>' - . ,</c>, splits <c>.</c> and <c>,</c>
    /// unless between digits and <c>-</c> after a digit, and joins the tokens with single spaces.
    /// </summary>
    public static string Tokenize13a(string line)
    {
        if (line.Contains("<skipped>", StringComparison.Ordinal))
        {
            line = line.Replace("<skipped>", "", StringComparison.Ordinal);
        }
        if (line.Contains('\n'))
        {
            line = line.Replace("-\n", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        }
        if (line.Contains('&'))
        {
            line = line.Replace("&quot;", "\"", StringComparison.Ordinal)
                .Replace("&amp;", "&", StringComparison.Ordinal)
                .Replace("&lt;", "<", StringComparison.Ordinal)
                .Replace("&gt;", ">", StringComparison.Ordinal);
        }

        // Four regex passes over char buffers; each pass reads one buffer and writes the other.
        int cap = (3 * line.Length) + 8;
        char[] a = t_a is { } ta && ta.Length >= cap ? ta : (t_a = new char[Math.Max(cap, 256)]);
        char[] b = t_b is { } tb && tb.Length >= cap * 2 ? tb : (t_b = new char[Math.Max(cap * 2, 512)]);

        // ' ' + line + ' ', then ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> ' \1 '
        int n = 0;
        a[n++] = ' ';
        a[n++] = ' ';
        a[n++] = ' ';
        foreach (char c in line)
        {
            if (c < 128 && Split13a[c])
            {
                a[n++] = ' ';
                a[n++] = c;
                a[n++] = ' ';
            }
            else
            {
                a[n++] = c;
            }
        }
        a[n++] = ' ';
        a[n++] = ' ';
        a[n++] = ' ';

        // ([^0-9])([\.,]) -> '\1 \2 '
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            char c = a[i];
            if (i + 1 < n && !IsAsciiDigit(c) && a[i + 1] is '.' or ',')
            {
                b[m++] = c;
                b[m++] = ' ';
                b[m++] = a[++i];
                b[m++] = ' ';
            }
            else
            {
                b[m++] = c;
            }
        }

        // ([\.,])([^0-9]) -> ' \1 \2'
        if (a.Length < 2 * m)
        {
            a = t_a = new char[2 * m];
        }
        n = 0;
        for (int i = 0; i < m; i++)
        {
            char c = b[i];
            if (i + 1 < m && c is '.' or ',' && !IsAsciiDigit(b[i + 1]))
            {
                a[n++] = ' ';
                a[n++] = c;
                a[n++] = ' ';
                a[n++] = b[++i];
            }
            else
            {
                a[n++] = c;
            }
        }

        // ([0-9])(-) -> '\1 \2 ', then ' '.join(line.split())
        if (b.Length < 2 * n)
        {
            b = t_b = new char[2 * n];
        }
        m = 0;
        bool pending = false;
        for (int i = 0; i < n; i++)
        {
            char c = a[i];
            if (PyText.IsWhiteSpace(c))
            {
                pending = m > 0;
                continue;
            }
            if (pending)
            {
                b[m++] = ' ';
                pending = false;
            }
            b[m++] = c;
            if (c is >= '0' and <= '9' && i + 1 < n && a[i + 1] == '-')
            {
                b[m++] = ' ';
                b[m++] = '-';
                i++;
                pending = true;
            }
        }
        return new string(b, 0, m);
    }

    private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';

    /// <summary>
    /// The mteval-v14 international tokenizer: sacrebleu's three non-overlapping regex passes <c>(\P{N})(\p{P})</c>,
    /// <c>(\p{P})(\P{N})</c> and <c>(\p{S})</c> on code points (symbols outside the BMP included), so punctuation is
    /// split off except next to numbers, and every symbol is split off; tokens are joined with single spaces.
    /// </summary>
    public static string TokenizeIntl(string line)
    {
        // Work on code points so that astral symbols (emoji) are matched like Python's regex module does.
        int[] cps = ToCodePoints(line, out int n);
        var cats = new UnicodeCategory[n];
        for (int i = 0; i < n; i++)
        {
            cats[i] = CharUnicodeInfo.GetUnicodeCategory(cps[i]);
        }

        const int Space = -1; // an inserted space; category Zs (neither N nor P nor S)
        var pass1 = new List<int>(n * 2);
        // (\P{N})(\p{P}) -> '\1 \2 '
        for (int i = 0; i < n; i++)
        {
            if (i + 1 < n && !IsN(cats[i]) && IsP(cats[i + 1]))
            {
                pass1.Add(i);
                pass1.Add(Space);
                pass1.Add(i + 1);
                pass1.Add(Space);
                i++;
            }
            else
            {
                pass1.Add(i);
            }
        }

        // (\p{P})(\P{N}) -> ' \1 \2'
        var pass2 = new List<int>(pass1.Count * 2);
        int m = pass1.Count;
        for (int i = 0; i < m; i++)
        {
            int x = pass1[i];
            if (i + 1 < m && x != Space && IsP(cats[x]) && (pass1[i + 1] == Space || !IsN(cats[pass1[i + 1]])))
            {
                pass2.Add(Space);
                pass2.Add(x);
                pass2.Add(Space);
                pass2.Add(pass1[i + 1]);
                i++;
            }
            else
            {
                pass2.Add(x);
            }
        }

        // (\p{S}) -> ' \1 ', then ' '.join(line.split())
        var sb = new StringBuilder(pass2.Count + 16);
        bool pending = false;
        foreach (int x in pass2)
        {
            if (x == Space)
            {
                pending = sb.Length > 0;
                continue;
            }
            int cp = cps[x];
            bool symbol = IsS(cats[x]);
            if (symbol)
            {
                pending = sb.Length > 0;
            }
            if (cp < 0x10000 && PyText.IsWhiteSpace((char)cp))
            {
                pending = sb.Length > 0;
                continue;
            }
            if (pending)
            {
                sb.Append(' ');
                pending = false;
            }
            AppendCodePoint(sb, cp);
            if (symbol)
            {
                pending = true;
            }
        }
        return sb.ToString();

        static bool IsN(UnicodeCategory c) =>
            c is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
        static bool IsP(UnicodeCategory c) =>
            c is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
        static bool IsS(UnicodeCategory c) =>
            c is UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
                or UnicodeCategory.OtherSymbol;
    }

    /// <summary>No tokenization: the line as it is (BLEU then splits it at whitespace).</summary>
    public static string TokenizeNone(string line) => line;

    /// <summary>Every code point becomes a token: <c>" ".join(line)</c> as in sacrebleu.</summary>
    public static string TokenizeChar(string line)
    {
        var sb = new StringBuilder(line.Length * 2);
        for (int i = 0; i < line.Length; i++)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }
            sb.Append(line[i]);
            if (char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]))
            {
                sb.Append(line[++i]);
            }
        }
        return sb.ToString();
    }

    internal static int[] ToCodePoints(string s, out int count)
    {
        var cps = new int[s.Length];
        count = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                cps[count++] = char.ConvertToUtf32(c, s[i + 1]);
                i++;
            }
            else
            {
                cps[count++] = c;
            }
        }
        return cps;
    }

    internal static void AppendCodePoint(StringBuilder sb, int cp)
    {
        if (cp < 0x10000)
        {
            sb.Append((char)cp);
        }
        else
        {
            cp -= 0x10000;
            sb.Append((char)(0xD800 + (cp >> 10))).Append((char)(0xDC00 + (cp & 0x3FF)));
        }
    }
}
