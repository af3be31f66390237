using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Seq2Seq.Evaluation;

/// <summary>
/// The few pieces of Python's <c>str</c> behaviour that sacrebleu's numbers depend on: which characters
/// <c>split()</c>/<c>rstrip()</c> treat as whitespace, the full <c>lower()</c> mapping, and <c>format(x, '.Nf')</c>.
/// </summary>
public static class PyText
{
    /// <summary>True for the characters Python's <c>str.isspace()</c> accepts (all are in the BMP).</summary>
    public static bool IsWhiteSpace(char c) =>
        c <= '\u007f' ? (c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f')) : char.IsWhiteSpace(c);

    /// <summary>Python's <c>str.rstrip()</c>: removes trailing Unicode whitespace.</summary>
    public static string RStrip(string s)
    {
        int end = s.Length;
        while (end > 0 && IsWhiteSpace(s[end - 1]))
        {
            end--;
        }
        return end == s.Length ? s : s[..end];
    }

    /// <summary>Python's <c>' '.join(s.split())</c>: tokens separated by single spaces, no leading/trailing space.</summary>
    public static string NormalizeSpaces(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        AppendNormalized(sb, s);
        return sb.ToString();
    }

    internal static void AppendNormalized(StringBuilder sb, ReadOnlySpan<char> s)
    {
        bool pending = false;
        foreach (char c in s)
        {
            if (IsWhiteSpace(c))
            {
                pending = sb.Length > 0;
            }
            else
            {
                if (pending)
                {
                    sb.Append(' ');
                    pending = false;
                }
                sb.Append(c);
            }
        }
    }

    /// <summary>Python's <c>str.split()</c> with no argument.</summary>
    public static List<string> Split(string s)
    {
        var result = new List<string>();
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsWhiteSpace(s[i]))
            {
                i++;
            }
            int start = i;
            while (i < s.Length && !IsWhiteSpace(s[i]))
            {
                i++;
            }
            if (i > start)
            {
                result.Add(s[start..i]);
            }
        }
        return result;
    }

    /// <summary>
    /// Python's <c>str.lower()</c>: the full Unicode lowercase mapping, so <c>İ</c> becomes <c>i̇</c> (two code points)
    /// and a word-final capital sigma becomes <c>ς</c>.
    /// </summary>
    public static string Lower(string s)
    {
        int i = 0;
        while (i < s.Length && s[i] < 0x80 && !(s[i] >= 'A' && s[i] <= 'Z'))
        {
            i++;
        }
        if (i == s.Length)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 4);
        sb.Append(s, 0, i);
        while (i < s.Length)
        {
            char c = s[i];
            if (c < 0x80)
            {
                sb.Append(c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
                i++;
                continue;
            }
            if (c == '\u0130')
            {
                sb.Append("i\u0307");
                i++;
                continue;
            }
            if (c == '\u03a3')
            {
                sb.Append(IsFinalSigma(s, i) ? '\u03c2' : '\u03c3');
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf16(s.AsSpan(i), out Rune r, out int used) == OperationStatus.Done)
            {
                Rune lower = Rune.ToLowerInvariant(r);
                if (lower.IsBmp)
                {
                    sb.Append((char)lower.Value);
                }
                else
                {
                    sb.Append(lower.ToString());
                }
                i += used;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }

    // CPython's handle_capital_sigma: \p{cased}\p{case-ignorable}* Σ !(\p{case-ignorable}* \p{cased}).
    private static bool IsFinalSigma(string s, int i)
    {
        int j = i - 1;
        bool cased = false;
        while (j >= 0)
        {
            int c = CodePointBefore(s, ref j);
            if (!IsCaseIgnorable(c))
            {
                cased = IsCased(c);
                break;
            }
        }
        if (!cased)
        {
            return false;
        }
        int k = i + 1;
        while (k < s.Length)
        {
            int d = CodePointAt(s, ref k);
            if (!IsCaseIgnorable(d))
            {
                return !IsCased(d);
            }
        }
        return true;
    }

    private static int CodePointBefore(string s, ref int j)
    {
        // j points at the last char of the code point; returns it and moves j before it.
        char c = s[j];
        if (char.IsLowSurrogate(c) && j > 0 && char.IsHighSurrogate(s[j - 1]))
        {
            int cp = char.ConvertToUtf32(s[j - 1], c);
            j -= 2;
            return cp;
        }
        j--;
        return c;
    }

    private static int CodePointAt(string s, ref int k)
    {
        char c = s[k];
        if (char.IsHighSurrogate(c) && k + 1 < s.Length && char.IsLowSurrogate(s[k + 1]))
        {
            int cp = char.ConvertToUtf32(c, s[k + 1]);
            k += 2;
            return cp;
        }
        k++;
        return c;
    }

    private static bool IsCased(int cp)
    {
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
                return true;
        }
        // Other_Lowercase / Other_Uppercase outside the case-ignorable categories.
        return cp is 0xAA or 0xBA
            || (cp >= 0x2160 && cp <= 0x217F)
            || (cp >= 0x24B6 && cp <= 0x24E9)
            || (cp >= 0x1F130 && cp <= 0x1F149)
            || (cp >= 0x1F150 && cp <= 0x1F169)
            || (cp >= 0x1F170 && cp <= 0x1F189);
    }

    private static bool IsCaseIgnorable(int cp)
    {
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.ModifierSymbol:
                return true;
        }
        // Word_Break = MidLetter, MidNumLet or Single_Quote.
        return cp is 0x27 or 0x2E or 0x3A or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024
            or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
    }

    /// <summary>
    /// Python's <c>format(x, '.{decimals}f')</c>: the exact binary value rounded half-to-even, which differs from
    /// .NET's <c>"F"</c> format on exact ties such as 0.125 → "0.12".
    /// </summary>
    public static string FormatFixed(double x, int decimals)
    {
        if (double.IsNaN(x))
        {
            return "nan";
        }
        if (double.IsInfinity(x))
        {
            return x > 0 ? "inf" : "-inf";
        }
        bool negative = x < 0 || (x == 0 && double.IsNegative(x));
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        int exp = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0)
        {
            exp = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }
        exp -= 1075; // value = mantissa * 2^exp
        BigInteger num = new BigInteger(mantissa) * BigInteger.Pow(10, decimals);
        BigInteger q;
        if (exp >= 0)
        {
            q = num << exp;
        }
        else
        {
            BigInteger den = BigInteger.One << -exp;
            q = BigInteger.DivRem(num, den, out BigInteger rem);
            int cmp = (rem * 2).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !q.IsEven))
            {
                q += 1;
            }
        }
        string digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        string result = decimals == 0 ? digits : digits[..^decimals] + "." + digits[^decimals..];
        return negative ? "-" + result : result;
    }
}
