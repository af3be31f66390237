using System.Numerics;
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

/// <summary>
/// A small open-addressing multiset of n-grams for one line, reset in O(1) by a generation stamp; faster than a
/// <see cref="Dictionary{TKey, TValue}"/> that is cleared for every line.
/// </summary>
internal sealed class NGramTable
{
    private ulong[] _a = new ulong[64];
    private ulong[] _b = new ulong[64];
    private int[] _count = new int[64];
    private int[] _stamp = new int[64];
    private int _gen = 1;
    private int _mask = 63;

    /// <summary>Empties the table, sized for at most <paramref name="maxEntries"/> distinct n-grams.</summary>
    public void Reset(int maxEntries)
    {
        int need = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, maxEntries * 2));
        if (need > _stamp.Length)
        {
            _a = new ulong[need];
            _b = new ulong[need];
            _count = new int[need];
            _stamp = new int[need];
            _mask = need - 1;
            _gen = 1;
            return;
        }
        if (_gen == int.MaxValue)
        {
            Array.Clear(_stamp);
            _gen = 0;
        }
        _gen++;
    }

    private int Find(NGramKey key, out bool found)
    {
        int i = key.GetHashCode() & _mask;
        while (_stamp[i] == _gen)
        {
            if (_a[i] == key.A && _b[i] == key.B)
            {
                found = true;
                return i;
            }
            i = (i + 1) & _mask;
        }
        found = false;
        return i;
    }

    /// <summary>Adds one occurrence.</summary>
    public void Add(NGramKey key)
    {
        int i = Find(key, out bool found);
        if (found)
        {
            _count[i]++;
        }
        else
        {
            _stamp[i] = _gen;
            _a[i] = key.A;
            _b[i] = key.B;
            _count[i] = 1;
        }
    }

    /// <summary>Raises the count of <paramref name="key"/> to at least <paramref name="count"/>.</summary>
    public void Max(NGramKey key, int count)
    {
        int i = Find(key, out bool found);
        if (!found)
        {
            _stamp[i] = _gen;
            _a[i] = key.A;
            _b[i] = key.B;
            _count[i] = count;
        }
        else if (count > _count[i])
        {
            _count[i] = count;
        }
    }

    /// <summary>Takes one occurrence if any is left: a clipped match.</summary>
    public bool TryConsume(NGramKey key)
    {
        int i = Find(key, out bool found);
        if (found && _count[i] > 0)
        {
            _count[i]--;
            return true;
        }
        return false;
    }

    /// <summary>Merges this table into <paramref name="target"/> taking the maximum count per n-gram.</summary>
    public void MaxInto(NGramTable target)
    {
        for (int i = 0; i < _stamp.Length; i++)
        {
            if (_stamp[i] == _gen)
            {
                target.Max(new NGramKey(_a[i], _b[i]), _count[i]);
            }
        }
    }
}
