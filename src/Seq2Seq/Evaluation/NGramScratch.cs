namespace Seq2Seq.Evaluation;

/// <summary>Per-thread scratch space: a token vocabulary (ids are only compared within one line) and n-gram tables.</summary>
internal sealed class NGramScratch
{
    private const int MaxVocabulary = 1 << 20;

    private readonly Dictionary<string, int> _vocab = new(StringComparer.Ordinal);
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NGramScratch() => _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();

    public NGramTable Counts { get; } = new();
    public NGramTable Temp { get; } = new();
    public List<int> Ids { get; } = [];
    public List<int> Ids2 { get; } = [];

    [ThreadStatic] private static NGramScratch? t_current;

    public static NGramScratch Current => t_current ??= new NGramScratch();

    /// <summary>Call at the start of a line: ids from earlier lines may be forgotten.</summary>
    public void BeginLine()
    {
        if (_vocab.Count > MaxVocabulary)
        {
            _vocab.Clear();
        }
    }

    /// <summary>Splits at Python whitespace and appends token ids to <paramref name="ids"/>.</summary>
    public void SplitIds(string s, List<int> ids)
    {
        ids.Clear();
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && PyText.IsWhiteSpace(s[i]))
            {
                i++;
            }
            int start = i;
            while (i < s.Length && !PyText.IsWhiteSpace(s[i]))
            {
                i++;
            }
            if (i > start)
            {
                ids.Add(IdOf(s.AsSpan(start, i - start)));
            }
        }
    }

    public int IdOf(ReadOnlySpan<char> token)
    {
        if (_lookup.TryGetValue(token, out int id))
        {
            return id;
        }
        id = _vocab.Count + 1;
        _lookup[token] = id;
        return id;
    }
}
