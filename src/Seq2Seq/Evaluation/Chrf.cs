using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Seq2Seq.Evaluation;

/// <summary>chrF (Popović 2015) and chrF++ (Popović 2017) that agree with sacrebleu 2.x.</summary>
public static class Chrf
{
    private const int ParallelThreshold = 2048;
    private const ulong WordTag = 1UL << 63;
    private static readonly bool[] Puncts = BuildPuncts();

    private static bool[] BuildPuncts()
    {
        var t = new bool[128];
        foreach (char c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
        {
            t[c] = true;
        }
        return t;
    }

    /// <summary>The metric name: <c>chrF</c> + β + one <c>+</c> per word order.</summary>
    public static string Name(ChrfOptions options) => $"chrF{options.Beta}" + new string('+', options.WordOrder);

    /// <summary>Corpus chrF; <paramref name="references"/> is a list of reference streams parallel to the hypotheses.</summary>
    /// <exception cref="ArgumentException">A reference stream has a different number of lines than the hypotheses.</exception>
    public static ChrfScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, ChrfOptions? options = null)
    {
        options ??= new ChrfOptions();
        long[] stats = Statistics(hypotheses, references, options);
        int width = Width(options);
        var sums = new long[width];
        for (int i = 0; i < hypotheses.Count; i++)
        {
            for (int j = 0; j < width; j++)
            {
                sums[j] += stats[(i * width) + j];
            }
        }
        return FromStatistics(sums, options, references.Count);
    }

    /// <summary>chrF of one hypothesis against its references.</summary>
    public static ChrfScore Sentence(string hypothesis, IReadOnlyList<string> references, ChrfOptions? options = null)
    {
        var streams = references.Select(r => (IReadOnlyList<string>)new[] { r }).ToArray();
        return Corpus([hypothesis], streams, options);
    }

    /// <summary>chrF of every line separately (same layout as <see cref="Corpus"/>).</summary>
    public static IReadOnlyList<ChrfScore> Sentences(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, ChrfOptions? options = null)
    {
        options ??= new ChrfOptions();
        long[] stats = Statistics(hypotheses, references, options);
        int width = Width(options);
        var result = new ChrfScore[hypotheses.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = FromStatistics(stats.AsSpan(i * width, width), options, references.Count);
        }
        return result;
    }

    /// <summary>The signature of a chrF computation.</summary>
    public static string Signature(ChrfOptions options, int referenceCount, bool shortForm = false, string? version = null)
    {
        string[] keys = shortForm ? ["#", "c", "e", "nc", "nw", "s", "v"] : ["nrefs", "case", "eff", "nc", "nw", "space", "version"];
        string[] values =
        [
            referenceCount.ToString(CultureInfo.InvariantCulture),
            options.Lowercase ? "lc" : "mixed",
            options.EpsSmoothing ? "no" : "yes",
            options.CharOrder.ToString(CultureInfo.InvariantCulture),
            options.WordOrder.ToString(CultureInfo.InvariantCulture),
            options.Whitespace ? "yes" : "no",
            version ?? MetricVersion.Name,
        ];
        return string.Join('|', keys.Zip(values, (k, v) => k + ":" + v));
    }

    /// <summary>chrF++'s word split: whitespace tokens with one ASCII punctuation mark split off the end, else the start.</summary>
    public static List<string> SplitWords(string line)
    {
        var words = new List<string>();
        foreach (string w in PyText.Split(line))
        {
            if (w.Length == 1 || (w.Length == 2 && char.IsSurrogatePair(w[0], w[1])))
            {
                words.Add(w);
            }
            else if (w[^1] < 128 && Puncts[w[^1]])
            {
                words.Add(w[..^1]);
                words.Add(w[^1..]);
            }
            else if (w[0] < 128 && Puncts[w[0]])
            {
                words.Add(w[..1]);
                words.Add(w[1..]);
            }
            else
            {
                words.Add(w);
            }
        }
        return words;
    }

    internal static int Width(ChrfOptions options) => 3 * (options.CharOrder + options.WordOrder);

    internal static long[] Statistics(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, ChrfOptions options)
    {
        Bleu.Validate(hypotheses, references);
        if (options.CharOrder < 1 || options.CharOrder > 6 || options.WordOrder < 0 || options.WordOrder > 4)
        {
            throw new ArgumentException("chrF supports character orders 1–6 and word orders 0–4", nameof(options));
        }
        int n = hypotheses.Count;
        int width = Width(options);
        var stats = new long[n * width];
        if (n < ParallelThreshold)
        {
            var worker = new Worker(options);
            for (int i = 0; i < n; i++)
            {
                worker.Line(hypotheses, references, i, stats.AsSpan(i * width, width));
            }
        }
        else
        {
            Parallel.ForEach(Partitioner.Create(0, n, 1024), () => new Worker(options), (range, _, worker) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    worker.Line(hypotheses, references, i, stats.AsSpan(i * width, width));
                }
                return worker;
            }, _ => { });
        }
        return stats;
    }

    internal static ChrfScore FromStatistics(ReadOnlySpan<long> stats, ChrfOptions options, int referenceCount)
    {
        var counts = new ChrfOrderCounts[stats.Length / 3];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = new ChrfOrderCounts(stats[3 * i], stats[(3 * i) + 1], stats[(3 * i) + 2]);
        }
        return new ChrfScore(Name(options), FScore(stats, options), counts,
            Signature(options, referenceCount), Signature(options, referenceCount, shortForm: true));
    }

    // A transcription of sacrebleu's CHRF._compute_f_score; the operation order matters for exactness.
    internal static double FScore(ReadOnlySpan<long> stats, ChrfOptions options)
    {
        const double eps = 1e-16;
        int order = options.CharOrder + options.WordOrder;
        double score = 0.0;
        int effectiveOrder = 0;
        double factor = options.Beta * options.Beta;
        double avgPrec = 0.0, avgRec = 0.0;
        for (int i = 0; i < order; i++)
        {
            long nHyp = stats[3 * i], nRef = stats[(3 * i) + 1], nMatch = stats[(3 * i) + 2];
            double prec = nHyp > 0 ? (double)nMatch / nHyp : eps;
            double rec = nRef > 0 ? (double)nMatch / nRef : eps;
            double denom = (factor * prec) + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
            if (nHyp > 0 && nRef > 0)
            {
                avgPrec += prec;
                avgRec += rec;
                effectiveOrder++;
            }
        }
        if (options.EpsSmoothing)
        {
            return 100 * score / order;
        }
        if (effectiveOrder == 0)
        {
            avgPrec = avgRec = 0.0;
        }
        else
        {
            avgPrec /= effectiveOrder;
            avgRec /= effectiveOrder;
        }
        if (avgPrec + avgRec != 0)
        {
            score = (1 + factor) * avgPrec * avgRec;
            score /= (factor * avgPrec) + avgRec;
            return 100 * score;
        }
        return 0.0;
    }

    private sealed class Worker(ChrfOptions options)
    {
        private readonly NGramScratch _scratch = new();
        private readonly NGramTable _counts = new();
        private readonly List<NGramKey> _hypKeys = [];
        private readonly int[] _hypStart = new int[options.CharOrder + options.WordOrder + 1];
        private readonly long[] _current = new long[Width(options)];
        private readonly List<int> _refIds = [];
        private readonly List<int> _hypIds = [];

        public void Line(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, int line, Span<long> best)
        {
            _scratch.BeginLine();
            int charOrder = options.CharOrder, wordOrder = options.WordOrder;

            // Hypothesis n-grams, grouped by order.
            _hypKeys.Clear();
            int[] hypChars = Chars(hypotheses[line], out int hypCharCount);
            if (wordOrder > 0)
            {
                WordIds(hypotheses[line], _hypIds);
            }
            for (int n = 1; n <= charOrder; n++)
            {
                _hypStart[n - 1] = _hypKeys.Count;
                for (int i = 0; i + n <= hypCharCount; i++)
                {
                    _hypKeys.Add(NGramKey.Chars(hypChars.AsSpan(i, n)));
                }
            }
            for (int n = 1; n <= wordOrder; n++)
            {
                _hypStart[charOrder + n - 1] = _hypKeys.Count;
                for (int i = 0; i + n <= _hypIds.Count; i++)
                {
                    _hypKeys.Add(NGramKey.Words(CollectionsMarshal.AsSpan(_hypIds).Slice(i, n), WordTag));
                }
            }
            _hypStart[charOrder + wordOrder] = _hypKeys.Count;

            double bestF = -1.0;
            for (int r = 0; r < references.Count; r++)
            {
                string refLine = references[r][line];
                int[] refChars = Chars(refLine, out int refCharCount);
                _counts.Reset((charOrder * refCharCount) + (wordOrder * refLine.Length));
                for (int n = 1; n <= charOrder; n++)
                {
                    for (int i = 0; i + n <= refCharCount; i++)
                    {
                        _counts.Add(NGramKey.Chars(refChars.AsSpan(i, n)));
                    }
                }
                if (wordOrder > 0)
                {
                    WordIds(refLine, _refIds);
                    for (int n = 1; n <= wordOrder; n++)
                    {
                        for (int i = 0; i + n <= _refIds.Count; i++)
                        {
                            _counts.Add(NGramKey.Words(CollectionsMarshal.AsSpan(_refIds).Slice(i, n), WordTag));
                        }
                    }
                }

                for (int o = 0; o < charOrder + wordOrder; o++)
                {
                    int n = o < charOrder ? o + 1 : o - charOrder + 1;
                    int refLen = o < charOrder ? refCharCount : _refIds.Count;
                    long refNgrams = Math.Max(0, refLen - n + 1);
                    long hypNgrams = _hypStart[o + 1] - _hypStart[o];
                    long match = 0;
                    for (int k = _hypStart[o]; k < _hypStart[o + 1]; k++)
                    {
                        if (_counts.TryConsume(_hypKeys[k]))
                        {
                            match++;
                        }
                    }
                    _current[3 * o] = refNgrams > 0 ? hypNgrams : 0;
                    _current[(3 * o) + 1] = refNgrams;
                    _current[(3 * o) + 2] = match;
                }

                double f = FScore(_current, options);
                if (f > bestF)
                {
                    bestF = f;
                    _current.CopyTo(best);
                }
            }
        }

        private int[] Chars(string line, out int count)
        {
            if (options.Lowercase)
            {
                line = PyText.Lower(line);
            }
            int[] cps = BleuTokenizers.ToCodePoints(line, out int n);
            if (options.Whitespace)
            {
                count = n;
                return cps;
            }
            count = 0;
            for (int i = 0; i < n; i++)
            {
                if (!(cps[i] < 0x10000 && PyText.IsWhiteSpace((char)cps[i])))
                {
                    cps[count++] = cps[i];
                }
            }
            return cps;
        }

        private void WordIds(string line, List<int> ids)
        {
            if (options.Lowercase)
            {
                line = PyText.Lower(line);
            }
            ids.Clear();
            foreach (string w in SplitWords(line))
            {
                ids.Add(_scratch.IdOf(w));
            }
        }
    }
}
