using System.Numerics;

namespace Seq2Seq.Evaluation;

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
