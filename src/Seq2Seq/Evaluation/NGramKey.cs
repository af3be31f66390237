using System.Runtime.InteropServices;

namespace Seq2Seq.Evaluation;

/// <summary>
/// An n-gram packed into 128 bits: up to four 32-bit token ids (BLEU, chrF++ words) or six 21-bit code points
/// (chrF characters). Ids and code points are stored +1 so the order is implied by the empty slots.
/// </summary>
internal readonly record struct NGramKey(ulong A, ulong B)
{
    public static NGramKey Words(ReadOnlySpan<int> ids, ulong tag = 0)
    {
        ulong a = (uint)ids[0];
        if (ids.Length > 1)
        {
            a |= (ulong)(uint)ids[1] << 32;
        }
        ulong b = tag;
        if (ids.Length > 2)
        {
            b |= (uint)ids[2];
        }
        if (ids.Length > 3)
        {
            b |= (ulong)(uint)ids[3] << 32;
        }
        return new NGramKey(a, b);
    }

    public static NGramKey Chars(ReadOnlySpan<int> cps)
    {
        ulong a = 0, b = 0;
        for (int i = 0; i < cps.Length && i < 3; i++)
        {
            a |= (ulong)(uint)(cps[i] + 1) << (21 * i);
        }
        for (int i = 3; i < cps.Length; i++)
        {
            b |= (ulong)(uint)(cps[i] + 1) << (21 * (i - 3));
        }
        return new NGramKey(a, b);
    }

    public override int GetHashCode()
    {
        ulong h = (A ^ (B * 0x9E3779B97F4A7C15UL)) * 0xC2B2AE3D27D4EB4FUL;
        return (int)(h >> 32) ^ (int)h;
    }
}

/// <summary>Per-thread scratch space: a token vocabulary (ids are only compared within one line) and n-gram tables.</summary>
internal sealed class NGramScratch
{
    private const int MaxVocabulary = 1 << 20;

    private readonly Dictionary<string, int> _vocab = new(StringComparer.Ordinal);
    private Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public NGramScratch() => _lookup = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();

    public Dictionary<NGramKey, int> Counts { get; } = [];
    public Dictionary<NGramKey, int> Temp { get; } = [];
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
