using System.Runtime.InteropServices;

namespace Seq2Seq.Text;

/// <summary>
/// Learns BPE merges (Sennrich et al. 2016) from text. Microsoft.ML.Tokenizers 2.0 only applies
/// merges, so the learner is ours. The classic efficient algorithm: count word types once, keep a
/// count for every adjacent symbol pair and the words each pair occurs in, and after each merge
/// update only the words that contained the merged pair. The best pair comes from a priority queue
/// with lazy deletion: an entry whose count is out of date is re-queued with the current count when
/// it surfaces (counts of old pairs only go down; every pair whose count went up is queued anew).
/// Ties go to the pair with the smaller (left id, right id), so learning is deterministic.
/// </summary>
internal static class BpeLearner
{
    /// <summary>The learned model: vocabulary in id order and merges in rank order.</summary>
    public sealed record Result(List<string> Vocabulary, List<(string Left, string Right)> Merges);

    public static Result Learn(IEnumerable<string> lines, int vocabSize, int minFrequency, IReadOnlyList<string> specials,
        bool splitScripts)
    {
        // 1. Word types and their counts.
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = wordCounts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (string line in lines)
        {
            string marked = WordBoundary.Mark(line);
            foreach ((int offset, int length) in WordBoundary.Split(marked, splitScripts))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(lookup, marked.AsSpan(offset, length), out _)++;
            }
        }

        string[] types = [.. wordCounts.Keys];
        Array.Sort(types, StringComparer.Ordinal);

        // 2. Vocabulary = specials + every symbol seen (a surrogate pair is one symbol, as in BpeTokenizer).
        var alphabet = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string type in types)
        {
            for (int i = 0; i < type.Length; i += SymbolLength(type, i))
            {
                if (IsVocabularySymbol(type, i))
                {
                    alphabet.Add(type.Substring(i, SymbolLength(type, i)));
                }
            }
        }

        var vocabulary = new List<string>(specials);
        vocabulary.AddRange(alphabet);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < vocabulary.Count; i++)
        {
            ids.Add(vocabulary[i], i);
        }

        // 3. Words as symbol ids; -1 is a barrier (a character that never enters the vocabulary).
        var words = new int[types.Length][];
        var counts = new int[types.Length];
        for (int w = 0; w < types.Length; w++)
        {
            string type = types[w];
            var symbols = new List<int>(type.Length);
            for (int i = 0; i < type.Length; i += SymbolLength(type, i))
            {
                symbols.Add(IsVocabularySymbol(type, i) ? ids[type.Substring(i, SymbolLength(type, i))] : -1);
            }

            words[w] = [.. symbols];
            counts[w] = wordCounts[type];
        }

        // 4. Pair counts, where each pair occurs, and the queue.
        var pairCounts = new Dictionary<long, int>();
        var where = new Dictionary<long, List<int>>();
        for (int w = 0; w < words.Length; w++)
        {
            int[] s = words[w];
            for (int i = 0; i + 1 < s.Length; i++)
            {
                if (s[i] < 0 || s[i + 1] < 0)
                {
                    continue;
                }

                long pair = Key(s[i], s[i + 1]);
                CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _) += counts[w];
                List<int> list = CollectionsMarshal.GetValueRefOrAddDefault(where, pair, out _) ??= [];
                if (list.Count == 0 || list[^1] != w)
                {
                    list.Add(w);
                }
            }
        }

        var queue = new PriorityQueue<long, (int Count, long Pair)>(pairCounts.Count, QueueOrder.Instance);
        foreach ((long pair, int count) in pairCounts)
        {
            if (count >= minFrequency)
            {
                queue.Enqueue(pair, (count, pair));
            }
        }

        // 5. Merge until the vocabulary is full or no pair is frequent enough.
        var merges = new List<(string Left, string Right)>();
        var banned = new HashSet<long>();
        var delta = new Dictionary<long, int>();
        var rebuilt = new List<int>();
        while (vocabulary.Count < vocabSize && queue.TryDequeue(out long best, out var queued))
        {
            int current = pairCounts.GetValueOrDefault(best);
            if (current != queued.Count || banned.Contains(best))
            {
                // Out of date: a lower count is queued again; a higher one already has its own entry.
                if (current < queued.Count && current >= minFrequency && !banned.Contains(best))
                {
                    queue.Enqueue(best, (current, best));
                }

                continue;
            }

            int a = (int)(best >> 32), b = (int)(best & 0xFFFFFFFF);
            string merged = vocabulary[a] + vocabulary[b];
            if (!IsAllowedToken(merged, specials))
            {
                banned.Add(best);
                continue;
            }

            if (!ids.TryGetValue(merged, out int x))
            {
                // The same string can come from two different merges ("a"+"bc", "ab"+"c"): one id.
                x = vocabulary.Count;
                vocabulary.Add(merged);
                ids.Add(merged, x);
            }

            merges.Add((vocabulary[a], vocabulary[b]));

            delta.Clear();
            List<int> touched = where[best];
            foreach (int w in touched)
            {
                int[] s = words[w];
                if (!Contains(s, a, b))
                {
                    continue; // a stale entry: an earlier merge already consumed the pair here
                }

                int c = counts[w];
                AddPairs(s, -c, delta);
                rebuilt.Clear();
                for (int i = 0; i < s.Length; i++)
                {
                    if (i + 1 < s.Length && s[i] == a && s[i + 1] == b)
                    {
                        rebuilt.Add(x);
                        i++;
                    }
                    else
                    {
                        rebuilt.Add(s[i]);
                    }
                }

                s = [.. rebuilt];
                words[w] = s;
                AddPairs(s, c, delta);
                for (int i = 0; i + 1 < s.Length; i++)
                {
                    if ((s[i] == x || s[i + 1] == x) && s[i] >= 0 && s[i + 1] >= 0)
                    {
                        List<int> list = CollectionsMarshal.GetValueRefOrAddDefault(where, Key(s[i], s[i + 1]), out _) ??= [];
                        if (list.Count == 0 || list[^1] != w)
                        {
                            list.Add(w);
                        }
                    }
                }
            }

            foreach ((long pair, int change) in delta)
            {
                if (change == 0)
                {
                    continue;
                }

                ref int count = ref CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _);
                count += change;
                if (change > 0 && count >= minFrequency)
                {
                    queue.Enqueue(pair, (count, pair));
                }
            }

            pairCounts.Remove(best);
            where.Remove(best);
        }

        return new Result(vocabulary, merges);
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static int SymbolLength(string s, int i) =>
        char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;

    /// <summary>
    /// A symbol of a marked word may enter the vocabulary unless it is a barrier (see
    /// <see cref="WordBoundary.Barrier"/>; every ▁ left in a marked word is a real marker) or a lone surrogate (not valid text; it cannot be written to vocab.json).
    /// </summary>
    private static bool IsVocabularySymbol(string s, int i) =>
        SymbolLength(s, i) == 2 || !(char.IsSurrogate(s[i]) || s[i] == WordBoundary.Barrier);

    /// <summary>
    /// A merged token must not collide with a special token, and must not start with "#version"
    /// (merges.txt readers skip such lines as a header).
    /// </summary>
    private static bool IsAllowedToken(string token, IReadOnlyList<string> specials) =>
        !token.StartsWith("#version", StringComparison.Ordinal) && !specials.Contains(token);

    private static bool Contains(int[] s, int a, int b)
    {
        for (int i = 0; i + 1 < s.Length; i++)
        {
            if (s[i] == a && s[i + 1] == b)
            {
                return true;
            }
        }

        return false;
    }

    private static void AddPairs(int[] s, int count, Dictionary<long, int> delta)
    {
        for (int i = 0; i + 1 < s.Length; i++)
        {
            if (s[i] >= 0 && s[i + 1] >= 0)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(delta, Key(s[i], s[i + 1]), out _) += count;
            }
        }
    }

    /// <summary>Higher count first; equal counts by the smaller (left id, right id).</summary>
    private sealed class QueueOrder : IComparer<(int Count, long Pair)>
    {
        public static readonly QueueOrder Instance = new();

        public int Compare((int Count, long Pair) x, (int Count, long Pair) y) =>
            x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair);
    }
}
