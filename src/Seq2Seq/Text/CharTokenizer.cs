using System.Text;

namespace Seq2Seq.Text;

/// <summary>
/// The <c>char</c> token level: every character is one token. Stored as <c>{prefix}.vocab.json</c> alone.
/// </summary>
/// <remarks>
/// <para>A character is a Unicode scalar value: a surrogate pair (an emoji, say) is one token, a letter with a
/// combining accent is two. A space (U+0020) is the visible token ▁ (U+2581), so every space is kept: leading,
/// trailing and repeated ones included, and <c>Decode(Encode(text)) == text</c> for text whose characters are
/// all in the vocabulary. Tabs and other whitespace are ordinary characters.</para>
/// <para>The vocabulary is the characters seen in training at least <c>minFrequency</c> times, most frequent
/// first, up to the size limit. Any other character encodes to <see cref="TextTokenizer.UnkId"/> (one id per
/// character) and decodes as "&lt;unk&gt;"; so do a literal ▁ in the text (it would read back as a space) and a
/// lone surrogate (not text).</para>
/// </remarks>
public sealed class CharTokenizer : TextTokenizer
{
    private static readonly string SpaceToken = WordMarker.ToString();

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private CharTokenizer(string[] tokens)
        : base(tokens)
    {
        _lookup = TokenIdLookup(tokens);
    }

    /// <inheritdoc />
    public override TokenLevel Level => TokenLevel.Char;

    /// <summary>
    /// Learns the character vocabulary of <paramref name="lines"/>: the four specials, then every character seen
    /// at least <paramref name="minFrequency"/> times, most frequent first (ties in ordinal order), until
    /// <paramref name="vocabSize"/> ids exist. Deterministic.
    /// </summary>
    /// <param name="lines">Training text, one sentence per element.</param>
    /// <param name="vocabSize">The largest number of ids, specials included (more than 4).</param>
    /// <param name="minFrequency">The smallest count of a kept character (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">vocabSize ≤ 4 or minFrequency &lt; 1.</exception>
    public static CharTokenizer Learn(IEnumerable<string> lines, int vocabSize, int minFrequency = 1)
    {
        CheckLearnArguments(lines, vocabSize, minFrequency);
        var counts = new TokenCounts();
        foreach (string line in lines)
        {
            for (int i = 0; i < line.Length; i += SymbolLength(line, i))
            {
                if (line[i] == ' ')
                {
                    counts.Add(SpaceToken);
                }
                else if (IsVocabularySymbol(line, i))
                {
                    counts.Add(line.AsSpan(i, SymbolLength(line, i)));
                }
            }
        }

        return new CharTokenizer(counts.Vocabulary(vocabSize, minFrequency));
    }

    /// <inheritdoc />
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        for (int i = 0; i < text.Length; i += SymbolLength(text, i))
        {
            ReadOnlySpan<char> symbol = text[i] == ' ' ? SpaceToken : text.AsSpan(i, SymbolLength(text, i));
            ids.Add(IsVocabularySymbol(text, i) && _lookup.TryGetValue(symbol, out int id) ? id : UnkId);
        }

        return [.. ids];
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        foreach (int id in TextIds(ids))
        {
            string token = IdToToken(id);
            if (token == SpaceToken)
            {
                text.Append(' ');
            }
            else
            {
                text.Append(token);
            }
        }

        return text.ToString();
    }

    /// <summary>Reads a tokenizer written by <see cref="TextTokenizer.Save"/> from <paramref name="directory"/>.</summary>
    /// <exception cref="UserErrorException">The vocabulary is missing, unreadable, corrupt, or holds a token that is not one character.</exception>
    public static CharTokenizer Load(string directory, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        string path = VocabularyPath(directory, prefix);
        string[] tokens = ReadVocabulary(path);
        for (int i = SpecialTokens.Count; i < tokens.Length; i++)
        {
            string token = tokens[i];
            bool one = token.Length > 0 && SymbolLength(token, 0) == token.Length && (token == SpaceToken || IsVocabularySymbol(token, 0));
            if (!one)
            {
                throw new UserErrorException($"Corrupt character vocabulary {path}: token \"{token}\" (id {i}) is not one character; " +
                    "was the model trained with another subwords.type?");
            }
        }

        return new CharTokenizer(tokens);
    }

    private static int SymbolLength(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;

    /// <summary>A character that may be a vocabulary entry: not the marker ▁ (it stands for a space) and not a lone surrogate.</summary>
    private static bool IsVocabularySymbol(string s, int i) =>
        SymbolLength(s, i) == 2 || !(char.IsSurrogate(s[i]) || s[i] == WordMarker);
}
