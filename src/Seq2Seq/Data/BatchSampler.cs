using System.Runtime.InteropServices;

namespace Seq2Seq.Data;

/// <summary>
/// Shuffled, length-bucketed batches: shuffle all pairs, sort pools of about 100 batches by (source,
/// target) length, cut them into batches by sentence count or by a padded-token budget, shuffle the
/// batch order. The order of epoch e depends only on the seed and e, so a resumed run can recompute
/// it and skip to where it stopped.
/// </summary>
public sealed class BatchSampler
{
    private const int PoolBatches = 100;
    private readonly IReadOnlyList<int[]> source;
    private readonly IReadOnlyList<int[]> target;
    private readonly int batchSize;
    private readonly bool byTokens;
    private readonly int seed;

    /// <summary>Batches of <paramref name="batchSize"/> sentences, or of at most that many padded tokens when <paramref name="byTokens"/>.</summary>
    public BatchSampler(IReadOnlyList<int[]> source, IReadOnlyList<int[]> target, int batchSize, bool byTokens, int seed)
    {
        this.source = source;
        this.target = target;
        this.batchSize = batchSize;
        this.byTokens = byTokens;
        this.seed = seed;
    }

    /// <summary>The batches (lists of pair indices) of epoch <paramref name="epoch"/> (1-based).</summary>
    public List<int[]> EpochBatches(int epoch)
    {
        var rng = new Random(unchecked(seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, source.Count).ToArray();
        rng.Shuffle(order);
        // Padded size of a pair: the longer side plus BOS/EOS.
        int Size(int i) => Math.Max(source[i].Length, target[i].Length) + 1;
        int poolSize = byTokens ? Math.Max(1, batchSize / 16) * PoolBatches : batchSize * PoolBatches;
        var batches = new List<int[]>();
        for (int p = 0; p < order.Length; p += poolSize)
        {
            var pool = order.AsSpan(p, Math.Min(poolSize, order.Length - p)).ToArray();
            Array.Sort(pool, (a, b) =>
            {
                int c = source[a].Length.CompareTo(source[b].Length);
                return c != 0 ? c : target[a].Length.CompareTo(target[b].Length);
            });
            if (!byTokens)
            {
                for (int b = 0; b < pool.Length; b += batchSize)
                    batches.Add(pool[b..Math.Min(pool.Length, b + batchSize)]);
                continue;
            }
            var current = new List<int>();
            int longest = 0;
            foreach (int i in pool)
            {
                int grown = Math.Max(longest, Size(i));
                if (current.Count > 0 && grown * (current.Count + 1) > batchSize)
                {
                    batches.Add([.. current]);
                    current.Clear();
                    grown = Size(i);
                }
                current.Add(i);
                longest = grown;
            }
            if (current.Count > 0) batches.Add([.. current]);
        }
        rng.Shuffle(CollectionsMarshal.AsSpan(batches));
        return batches;
    }
}
