using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;

namespace Seq2Seq.Inference;

/// <summary>
/// Builds a <see cref="Shortlist"/> from an encoded parallel corpus: the lexical translation probabilities
/// p(t | s) of IBM Model 1 (a few rounds of expectation maximisation over the co-occurring pairs, with an empty
/// source token that absorbs function words), then for every source token its most likely target tokens, the
/// target token spelled the same (names and numbers are copied), and the corpus's most frequent target tokens.
/// Deterministic: the same corpus and settings give the same file.
/// </summary>
public static class ShortlistBuilder
{
    /// <summary>Target tokens kept per source token by default.</summary>
    public const int DefaultPerSource = 50;

    /// <summary>Most frequent target tokens kept by default.</summary>
    public const int DefaultFrequent = 100;

    /// <summary>Rounds of expectation maximisation.</summary>
    public const int Iterations = 5;

    /// <summary>A target token below this probability given a source token is not listed for it.</summary>
    public const double MinProbability = 1e-3;

    /// <summary>
    /// The shortlist of a model directory's vocabularies from the corpus <paramref name="corpusPrefix"/>
    /// (<c>{prefix}.{src}</c> and <c>{prefix}.{trg}</c>; null: the config's <c>data.train</c>), encoded as training
    /// encodes it (lowercased when the model was).
    /// </summary>
    /// <exception cref="UserErrorException">The directory, its config or the corpus is missing or unreadable.</exception>
    public static Shortlist FromModel(string modelDirectory, string? corpusPrefix = null, int perSource = DefaultPerSource, int frequent = DefaultFrequent)
    {
        var dir = new ModelDirectory(modelDirectory);
        if (!File.Exists(dir.ConfigFile)) throw new UserErrorException($"{dir.ConfigFile}: missing; is {dir.Path} a model directory written by 'seq2seq train'?");
        var config = ConfigLoader.Load(dir.ConfigFile);
        var (src, trg) = dir.LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel);
        var corpus = ParallelCorpus.Read(corpusPrefix ?? config.Data.Train, config.Data.Src, config.Data.Trg, config.Data.Lowercase)
            .Encode(src, trg, maxLength: 0);
        if (corpus.Count == 0) throw new UserErrorException($"{corpusPrefix ?? config.Data.Train}: no sentence pairs to count");
        return Build(src, trg, corpus.Source, corpus.Target, perSource, frequent);
    }

    /// <summary>
    /// The shortlist of the pairs <paramref name="source"/>[i], <paramref name="target"/>[i] (token ids of the two
    /// vocabularies): <paramref name="perSource"/> target tokens per source token and the <paramref name="frequent"/>
    /// most frequent target tokens.
    /// </summary>
    public static Shortlist Build(TextTokenizer sourceTokenizer, TextTokenizer targetTokenizer, IReadOnlyList<int[]> source,
        IReadOnlyList<int[]> target, int perSource = DefaultPerSource, int frequent = DefaultFrequent)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(source.Count, target.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(perSource);
        ArgumentOutOfRangeException.ThrowIfNegative(frequent);
        int sources = sourceTokenizer.VocabSize, empty = sources;              // row `empty`: the empty source token
        var (offsets, columns) = CoOccurrences(source, target, sources + 1);
        var probability = new double[columns.Length];
        Array.Fill(probability, 1.0);
        var counts = new double[columns.Length];
        var row = new int[256];
        for (int round = 0; round < Iterations; round++)
        {
            Array.Clear(counts);
            for (int n = 0; n < source.Count; n++)
            {
                var s = source[n];
                foreach (int t in target[n])
                {
                    // E-step: spread the target token over the sentence's source tokens (and the empty one) by p(t | s).
                    if (row.Length < s.Length + 1) row = new int[s.Length + 1];
                    double total = 0;
                    for (int i = 0; i <= s.Length; i++)
                    {
                        row[i] = Find(offsets, columns, i < s.Length ? s[i] : empty, t);
                        total += probability[row[i]];
                    }
                    for (int i = 0; i <= s.Length; i++) counts[row[i]] += probability[row[i]] / total;
                }
            }
            // M-step: p(t | s) = count(s, t) / count(s).
            for (int s = 0; s <= sources; s++)
            {
                double sum = 0;
                for (int k = offsets[s]; k < offsets[s + 1]; k++) sum += counts[k];
                for (int k = offsets[s]; k < offsets[s + 1]; k++) probability[k] = sum > 0 ? counts[k] / sum : 0;
            }
        }
        var targetIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = TextTokenizer.EosId + 1; id < targetTokenizer.VocabSize; id++) targetIds.TryAdd(targetTokenizer.IdToToken(id), id);
        var bySource = new int[sources][];
        for (int s = 0; s < sources; s++)
        {
            var list = Enumerable.Range(offsets[s], offsets[s + 1] - offsets[s])
                .Where(k => probability[k] >= MinProbability)
                .OrderByDescending(k => probability[k]).ThenBy(k => columns[k])
                .Take(perSource).Select(k => columns[k]).ToList();
            if (s > TextTokenizer.EosId && targetIds.TryGetValue(sourceTokenizer.IdToToken(s), out int same) && !list.Contains(same)) list.Add(same);
            bySource[s] = [.. list];
        }
        var frequency = new long[targetTokenizer.VocabSize];
        foreach (var sentence in target)
            foreach (int t in sentence) frequency[t]++;
        int[] mostFrequent = [.. Enumerable.Range(TextTokenizer.EosId + 1, Math.Max(0, targetTokenizer.VocabSize - TextTokenizer.EosId - 1))
            .Where(t => frequency[t] > 0).OrderByDescending(t => frequency[t]).ThenBy(t => t).Take(frequent)];
        return Shortlist.Create(sourceTokenizer, targetTokenizer, mostFrequent, bySource);
    }

    /// <summary>
    /// Every (source, target) pair of tokens that share a sentence, as sorted target ids per source row (the last row
    /// is the empty source token, which co-occurs with every target token): row offsets (rows + 1) and columns.
    /// </summary>
    private static (int[] Offsets, int[] Columns) CoOccurrences(IReadOnlyList<int[]> source, IReadOnlyList<int[]> target, int rows)
    {
        var sets = new HashSet<int>[rows];
        for (int r = 0; r < rows; r++) sets[r] = [];
        for (int n = 0; n < source.Count; n++)
        {
            foreach (int s in source[n].Distinct())
                sets[s].UnionWith(target[n]);
            sets[rows - 1].UnionWith(target[n]);
        }
        var offsets = new int[rows + 1];
        for (int r = 0; r < rows; r++) offsets[r + 1] = checked(offsets[r] + sets[r].Count);
        var columns = new int[offsets[rows]];
        for (int r = 0; r < rows; r++)
        {
            sets[r].CopyTo(columns, offsets[r]);
            Array.Sort(columns, offsets[r], sets[r].Count);
        }
        return (offsets, columns);
    }

    /// <summary>The index of (<paramref name="row"/>, <paramref name="column"/>) in the sorted columns.</summary>
    private static int Find(int[] offsets, int[] columns, int row, int column) =>
        Array.BinarySearch(columns, offsets[row], offsets[row + 1] - offsets[row], column);
}
