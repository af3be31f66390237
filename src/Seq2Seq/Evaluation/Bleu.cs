using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Seq2Seq.Evaluation;

/// <summary>
/// BLEU that agrees with sacrebleu 2.x: corpus and sentence level, tokenizers 13a/intl/none/char, lowercasing, the
/// four smoothing methods, several references (closest length for the brevity penalty) and effective order.
/// </summary>
public static class Bleu
{
    /// <summary>The maximum n-gram order.</summary>
    public const int MaxOrder = 4;

    /// <summary>Numbers kept per line: hypothesis length, reference length, 4 match counts, 4 totals.</summary>
    internal const int StatsWidth = 2 + (2 * MaxOrder);

    private const int ParallelThreshold = 2048;

    /// <summary>
    /// Corpus BLEU. <paramref name="references"/> is a list of reference streams, each parallel to
    /// <paramref name="hypotheses"/> (sacrebleu's layout); a line may have several references by having several streams.
    /// </summary>
    /// <exception cref="ArgumentException">A reference stream has a different number of lines than the hypotheses, or an option is invalid.</exception>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, BleuOptions? options = null)
    {
        options ??= new BleuOptions();
        long[] stats = Statistics(hypotheses, references, options);
        Span<long> sums = stackalloc long[StatsWidth];
        int n = hypotheses.Count;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < StatsWidth; j++)
            {
                sums[j] += stats[(i * StatsWidth) + j];
            }
        }
        return FromStatistics(sums, options, references.Count);
    }

    /// <summary>
    /// Sentence BLEU of one hypothesis against its references. Without options it uses sacrebleu's
    /// <c>sentence_bleu</c> defaults: 13a, exp smoothing and effective order on.
    /// </summary>
    public static BleuScore Sentence(string hypothesis, IReadOnlyList<string> references, BleuOptions? options = null)
    {
        options ??= new BleuOptions { EffectiveOrder = true };
        var streams = references.Select(r => (IReadOnlyList<string>)new[] { r }).ToArray();
        return Corpus([hypothesis], streams, options);
    }

    /// <summary>Sentence BLEU of every line (same layout as <see cref="Corpus"/>); computed in parallel for large inputs.</summary>
    public static IReadOnlyList<BleuScore> Sentences(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, BleuOptions? options = null)
    {
        options ??= new BleuOptions { EffectiveOrder = true };
        long[] stats = Statistics(hypotheses, references, options);
        var result = new BleuScore[hypotheses.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = FromStatistics(stats.AsSpan(i * StatsWidth, StatsWidth), options, references.Count);
        }
        return result;
    }

    /// <summary>The signature of a BLEU computation, e.g. <c>nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:seq2seq-0.1.0</c>.</summary>
    public static string Signature(BleuOptions options, int referenceCount, bool shortForm = false, string? version = null)
    {
        string smooth = BleuOptions.SmoothingName(options.Smooth);
        double? def = BleuOptions.DefaultSmoothValue(options.Smooth);
        if (def is not null)
        {
            smooth += "[" + PyText.FormatFixed(options.SmoothValue ?? def.Value, 2) + "]";
        }
        string[] keys = shortForm ? ["#", "c", "e", "tok", "s", "v"] : ["nrefs", "case", "eff", "tok", "smooth", "version"];
        string[] values =
        [
            referenceCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            options.Lowercase ? "lc" : "mixed",
            options.EffectiveOrder ? "yes" : "no",
            options.Tokenize,
            smooth,
            version ?? MetricVersion.Name,
        ];
        return string.Join('|', keys.Zip(values, (k, v) => k + ":" + v));
    }

    /// <summary>The tokenized form sacrebleu scores a line in: optional lowercasing, <c>rstrip()</c>, then the tokenizer.</summary>
    public static string Preprocess(string line, BleuOptions options) => Preprocess(line, options.Lowercase, BleuTokenizers.Get(options.Tokenize));

    private static string Preprocess(string line, bool lowercase, Func<string, string> tokenizer)
    {
        if (lowercase)
        {
            line = PyText.Lower(line);
        }
        return tokenizer(PyText.RStrip(line));
    }

    /// <summary>Per-line sufficient statistics, <see cref="StatsWidth"/> numbers per line.</summary>
    internal static long[] Statistics(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, BleuOptions options)
    {
        Validate(hypotheses, references);
        Func<string, string> tokenizer = BleuTokenizers.Get(options.Tokenize);
        int n = hypotheses.Count;
        var stats = new long[n * StatsWidth];
        if (n < ParallelThreshold)
        {
            NGramScratch scratch = NGramScratch.Current;
            for (int i = 0; i < n; i++)
            {
                LineStatistics(hypotheses, references, i, options.Lowercase, tokenizer, stats.AsSpan(i * StatsWidth, StatsWidth), scratch);
            }
        }
        else
        {
            Parallel.ForEach(Partitioner.Create(0, n, 1024), range =>
            {
                NGramScratch scratch = NGramScratch.Current;
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    LineStatistics(hypotheses, references, i, options.Lowercase, tokenizer, stats.AsSpan(i * StatsWidth, StatsWidth), scratch);
                }
            });
        }
        return stats;
    }

    internal static void Validate(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
        {
            throw new ArgumentException("at least one reference stream is needed", nameof(references));
        }
        for (int r = 0; r < references.Count; r++)
        {
            if (references[r].Count != hypotheses.Count)
            {
                throw new ArgumentException(
                    $"reference stream {r + 1} has {references[r].Count} lines but there are {hypotheses.Count} hypotheses", nameof(references));
            }
        }
    }

    private static void LineStatistics(
        IReadOnlyList<string> hypotheses,
        IReadOnlyList<IReadOnlyList<string>> references,
        int line,
        bool lowercase,
        Func<string, string> tokenizer,
        Span<long> stats,
        NGramScratch scratch)
    {
        scratch.BeginLine();
        List<int> ids = scratch.Ids;
        NGramTable counts = scratch.Counts;

        // Reference n-grams: the maximum count over the references.
        int refCount = references.Count;
        Span<int> refLens = refCount <= 16 ? stackalloc int[refCount] : new int[refCount];
        if (refCount == 1)
        {
            scratch.SplitIds(Preprocess(references[0][line], lowercase, tokenizer), ids);
            refLens[0] = ids.Count;
            counts.Reset(MaxOrder * ids.Count);
            AddNGrams(CollectionsMarshal.AsSpan(ids), counts);
        }
        else
        {
            var tokenized = new string[refCount];
            int bound = 0;
            for (int r = 0; r < refCount; r++)
            {
                tokenized[r] = Preprocess(references[r][line], lowercase, tokenizer);
                bound += MaxOrder * tokenized[r].Length;
            }
            counts.Reset(bound);
            NGramTable temp = scratch.Temp;
            for (int r = 0; r < refCount; r++)
            {
                scratch.SplitIds(tokenized[r], ids);
                refLens[r] = ids.Count;
                temp.Reset(MaxOrder * ids.Count);
                AddNGrams(CollectionsMarshal.AsSpan(ids), temp);
                temp.MaxInto(counts);
            }
        }

        scratch.SplitIds(Preprocess(hypotheses[line], lowercase, tokenizer), ids);
        ReadOnlySpan<int> hyp = CollectionsMarshal.AsSpan(ids);
        int hypLen = hyp.Length;

        // Closest reference length; ties go to the shorter one.
        int closestDiff = -1, closestLen = -1;
        foreach (int len in refLens)
        {
            int diff = Math.Abs(hypLen - len);
            if (closestDiff == -1 || diff < closestDiff)
            {
                closestDiff = diff;
                closestLen = len;
            }
            else if (diff == closestDiff && len < closestLen)
            {
                closestLen = len;
            }
        }

        stats[0] = hypLen;
        stats[1] = closestLen;
        // Clipped matches: each hypothesis n-gram occurrence consumes one reference occurrence.
        for (int n = 1; n <= MaxOrder; n++)
        {
            int total = Math.Max(0, hypLen - n + 1);
            int correct = 0;
            for (int i = 0; i < total; i++)
            {
                if (counts.TryConsume(NGramKey.Words(hyp.Slice(i, n))))
                {
                    correct++;
                }
            }
            stats[1 + n] = correct;
            stats[1 + MaxOrder + n] = total;
        }
    }

    private static void AddNGrams(ReadOnlySpan<int> ids, NGramTable counts)
    {
        for (int n = 1; n <= MaxOrder; n++)
        {
            for (int i = 0; i + n <= ids.Length; i++)
            {
                counts.Add(NGramKey.Words(ids.Slice(i, n)));
            }
        }
    }

    /// <summary>sacrebleu's <c>compute_bleu</c> on summed statistics (<see cref="StatsWidth"/> numbers).</summary>
    internal static BleuScore FromStatistics(ReadOnlySpan<long> stats, BleuOptions options, int referenceCount, string? signature = null, string? shortSignature = null)
    {
        long sysLen = stats[0], refLen = stats[1];
        var correct = new double[MaxOrder];
        var total = new double[MaxOrder];
        for (int i = 0; i < MaxOrder; i++)
        {
            correct[i] = stats[2 + i];
            total[i] = stats[2 + MaxOrder + i];
        }
        (double score, double[] precisions, double bp) = Compute(correct, total, sysLen, refLen, options);
        double ratio = refLen != 0 ? (double)sysLen / refLen : 0.0;
        return new BleuScore(score, correct, total, precisions, bp, ratio, sysLen, refLen,
            signature ?? Signature(options, referenceCount), shortSignature ?? Signature(options, referenceCount, shortForm: true));
    }

    /// <summary>The score alone from summed statistics, for bootstrap resampling (mutates nothing).</summary>
    internal static double ScoreOnly(ReadOnlySpan<long> stats, BleuOptions options)
    {
        Span<double> correct = stackalloc double[MaxOrder];
        Span<double> total = stackalloc double[MaxOrder];
        for (int i = 0; i < MaxOrder; i++)
        {
            correct[i] = stats[2 + i];
            total[i] = stats[2 + MaxOrder + i];
        }
        Span<double> precisions = stackalloc double[MaxOrder];
        return Compute(correct, total, precisions, stats[0], stats[1], options, out _);
    }

    private static (double Score, double[] Precisions, double Bp) Compute(double[] correct, double[] total, long sysLen, long refLen, BleuOptions options)
    {
        var precisions = new double[MaxOrder];
        double score = Compute(correct, total, precisions, sysLen, refLen, options, out double bp);
        return (score, precisions, bp);
    }

    // A line-by-line transcription of sacrebleu's BLEU.compute_bleu; the operation order matters for exactness.
    private static double Compute(Span<double> correct, Span<double> total, Span<double> precisions, long sysLen, long refLen, BleuOptions options, out double bp)
    {
        double smoothValue = options.EffectiveSmoothValue;
        bp = 1.0;
        if (sysLen < refLen)
        {
            bp = sysLen > 0 ? Math.Exp(1 - ((double)refLen / sysLen)) : 0.0;
        }
        precisions.Clear();

        bool any = false;
        foreach (double c in correct)
        {
            any |= c != 0;
        }
        if (!any)
        {
            return 0.0;
        }

        double smoothMteval = 1.0;
        int effOrder = MaxOrder;
        for (int n = 1; n <= MaxOrder; n++)
        {
            if (options.Smooth == BleuSmoothing.AddK && n > 1)
            {
                correct[n - 1] += smoothValue;
                total[n - 1] += smoothValue;
            }
            if (total[n - 1] == 0)
            {
                break;
            }
            if (options.EffectiveOrder)
            {
                effOrder = n;
            }
            if (correct[n - 1] == 0)
            {
                if (options.Smooth == BleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                }
                else if (options.Smooth == BleuSmoothing.Floor)
                {
                    precisions[n - 1] = 100.0 * smoothValue / total[n - 1];
                }
            }
            else
            {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }

        double sum = 0;
        for (int i = 0; i < effOrder; i++)
        {
            sum += precisions[i] == 0.0 ? -9999999999 : Math.Log(precisions[i]);
        }
        return bp * Math.Exp(sum / effOrder);
    }
}
