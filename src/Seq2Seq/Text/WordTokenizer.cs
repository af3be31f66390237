namespace Seq2Seq.Text;

/// <summary>
/// The <c>word</c> token level: a line is split at whitespace and every word is one token. Stored as
/// <c>{prefix}.vocab.json</c> alone.
/// </summary>
/// <remarks>
/// <para>A word is a maximal run of non-whitespace characters (<see cref="char.IsWhiteSpace(char)"/>); nothing
/// else is split off, so "dog" and "dog." are two different words. <see cref="Decode"/> joins the words with
/// one space: text whose words are all in the vocabulary and that is spaced by single spaces, with none at
/// either end, round-trips exactly; other spacing comes back normalised.</para>
/// <para>The vocabulary is the words seen in training at least <c>minFrequency</c> times, most frequent first,
/// up to the size limit. Every other word (including a literal "&lt;s&gt;" or "&lt;pad&gt;" in the text) encodes
/// to one <see cref="TextTokenizer.UnkId"/> and decodes as "&lt;unk&gt;"; how often that happens on the dev set
/// is reported at the start of training.</para>
/// </remarks>
public sealed class WordTokenizer : TextTokenizer
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private WordTokenizer(string[] tokens)
        : base(tokens)
    {
        _lookup = TokenIdLookup(tokens);
    }

    /// <inheritdoc />
    public override TokenLevel Level => TokenLevel.Word;

    /// <summary>
    /// Learns the word vocabulary of <paramref name="lines"/>: the four specials, then every word seen at least
    /// <paramref name="minFrequency"/> times, most frequent first (ties in ordinal order), until
    /// <paramref name="vocabSize"/> ids exist. Words spelled like a special token are never kept. Deterministic.
    /// </summary>
    /// <param name="lines">Training text, one sentence per element.</param>
    /// <param name="vocabSize">The largest number of ids, specials included (more than 4).</param>
    /// <param name="minFrequency">The smallest count of a kept word (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">vocabSize ≤ 4 or minFrequency &lt; 1.</exception>
    public static WordTokenizer Learn(IEnumerable<string> lines, int vocabSize, int minFrequency = 1)
    {
        CheckLearnArguments(lines, vocabSize, minFrequency);
        var counts = new TokenCounts();
        foreach (string line in lines)
        {
            foreach ((int start, int length) in Words(line))
            {
                counts.Add(line.AsSpan(start, length));
            }
        }

        foreach (string special in SpecialTokens)
        {
            counts.Remove(special);
        }

        return new WordTokenizer(counts.Vocabulary(vocabSize, minFrequency));
    }

    /// <inheritdoc />
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach ((int start, int length) in Words(text))
        {
            ids.Add(_lookup.TryGetValue(text.AsSpan(start, length), out int id) ? id : UnkId);
        }

        return [.. ids];
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids) => string.Join(' ', TextIds(ids).Select(IdToToken));

    /// <summary>Reads a tokenizer written by <see cref="TextTokenizer.Save"/> from <paramref name="directory"/>.</summary>
    /// <exception cref="UserErrorException">The vocabulary is missing, unreadable, corrupt, or holds a token with whitespace in it.</exception>
    public static WordTokenizer Load(string directory, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        string path = VocabularyPath(directory, prefix);
        string[] tokens = ReadVocabulary(path);
        for (int i = SpecialTokens.Count; i < tokens.Length; i++)
        {
            if (tokens[i].Length == 0 || tokens[i].Any(char.IsWhiteSpace))
            {
                throw new UserErrorException($"Corrupt word vocabulary {path}: token \"{tokens[i]}\" (id {i}) is empty or holds whitespace.");
            }
        }

        return new WordTokenizer(tokens);
    }

    /// <summary>Offsets and lengths of the words of <paramref name="text"/>: maximal runs of non-whitespace characters.</summary>
    private static IEnumerable<(int Start, int Length)> Words(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                yield return (start, i - start);
            }
        }
    }
}
