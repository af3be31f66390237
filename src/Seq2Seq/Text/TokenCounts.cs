namespace Seq2Seq.Text;

/// <summary>
/// How often each token occurs in training text, and the frequency cut that turns those counts into the vocabulary
/// of the <c>char</c> and <c>word</c> levels: the specials, then the tokens counted at least <c>minFrequency</c>
/// times, most frequent first (ties in ordinal order, so learning is deterministic), up to the size limit.
/// </summary>
internal sealed class TokenCounts
{
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup;

    /// <summary>No token counted yet.</summary>
    public TokenCounts() => lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Counts one occurrence of <paramref name="token"/> (a slice of a line: no string is made for a token seen before).</summary>
    public void Add(ReadOnlySpan<char> token) => lookup[token] = lookup.TryGetValue(token, out int n) ? n + 1 : 1;

    /// <summary>Forgets <paramref name="token"/>, so that it never enters the vocabulary.</summary>
    public void Remove(string token) => counts.Remove(token);

    /// <summary>
    /// The vocabulary: <see cref="TextTokenizer.SpecialTokens"/>, then at most <paramref name="vocabSize"/> minus the
    /// specials of the tokens counted at least <paramref name="minFrequency"/> times, most frequent first.
    /// </summary>
    public string[] Vocabulary(int vocabSize, int minFrequency) =>
    [
        .. TextTokenizer.SpecialTokens,
        .. counts.Where(kv => kv.Value >= minFrequency)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(vocabSize - TextTokenizer.SpecialTokens.Count)
            .Select(kv => kv.Key),
    ];
}
