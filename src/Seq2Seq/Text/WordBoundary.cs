using System.Globalization;

namespace Seq2Seq.Text;

/// <summary>
/// The spacing scheme shared by the BPE learner and the tokenizer. A line is cut at every space
/// (U+0020) exactly like <c>line.Split(' ')</c>, and every piece becomes one word "▁piece", where
/// ▁ (U+2581) marks the space in front of it. The first word gets a ▁ too (a dummy prefix, as in
/// SentencePiece), so a line of n spaces gives n + 1 words, some of them empty ("▁" alone): leading,
/// trailing and repeated spaces all survive and decoding is exact. Tabs and other whitespace are
/// ordinary characters inside a word.
/// </summary>
internal static class WordBoundary
{
    /// <summary>The marker that stands for one space in front of a word.</summary>
    public const char Marker = '\u2581';

    /// <summary>
    /// Stands in for characters that can never be vocabulary entries: a literal ▁ in the text (it would
    /// decode as a space), and '\r' / '\n' (merges.txt is read line by line). '\n' is never in the
    /// vocabulary, so BpeTokenizer maps it to the unknown token.
    /// </summary>
    public const char Barrier = '\n';

    /// <summary>True for characters that must not become (part of) a vocabulary entry.</summary>
    public static bool IsForbidden(char c) => c is Marker or '\n' or '\r';

    /// <summary>
    /// The text BpeTokenizer sees: a ▁ before every word, forbidden characters replaced by
    /// <see cref="Barrier"/>. Empty text stays empty (no words at all).
    /// </summary>
    public static string Mark(string text)
    {
        if (text.Length == 0)
        {
            return string.Empty;
        }

        return string.Create(text.Length + 1, text, static (span, t) =>
        {
            span[0] = Marker;
            for (int i = 0; i < t.Length; i++)
            {
                char c = t[i];
                span[i + 1] = c == ' ' ? Marker : IsForbidden(c) ? Barrier : c;
            }
        });
    }

    /// <summary>
    /// Offsets and lengths of the pieces of a marked text that BPE merges within. Each word starts at a ▁ and runs
    /// to the next. With <paramref name="splitScripts"/>, a word is also cut wherever its characters change
    /// between letters, digits and everything else (punctuation, symbols), as SentencePiece does by default: "▁red-haired."
    /// gives "▁red", "-", "haired", ".". Subwords then never glue punctuation to a word, so "dog", "dog." and "dog,"
    /// share one entry instead of taking three. The ▁ stays with the first character of its word.
    /// </summary>
    public static List<(int Offset, int Length)> Split(ReadOnlySpan<char> marked, bool splitScripts)
    {
        var pieces = new List<(int Offset, int Length)>();
        int start = 0;
        for (int i = 1; i <= marked.Length; i++)
        {
            bool cut = i == marked.Length || marked[i] == Marker
                || (splitScripts && marked[i - 1] != Marker && ClassOf(marked[i - 1]) != ClassOf(marked[i]));
            if (cut)
            {
                pieces.Add((start, i - start));
                start = i;
            }
        }

        return pieces;
    }

    /// <summary>Letters and marks 0, digits 1, anything else 2 (punctuation, symbols, controls, surrogates).</summary>
    private static int ClassOf(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => 0,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => 1,
        _ => 2,
    };

    /// <summary>
    /// Inverse of <see cref="Mark"/> on concatenated pieces: every ▁ becomes a space and the dummy
    /// prefix (a leading space) is dropped.
    /// </summary>
    public static string Unmark(string joined)
    {
        string text = joined.Replace(Marker, ' ');
        return text.Length > 0 && text[0] == ' ' ? text[1..] : text;
    }
}
