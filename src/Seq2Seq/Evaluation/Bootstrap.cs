namespace Seq2Seq.Evaluation;

/// <summary>
/// Bootstrap resampling as sacrebleu does it: per-line sufficient statistics are resampled with replacement
/// (<see cref="DefaultSamples"/> times, seed <see cref="DefaultSeed"/>, numpy's PCG64 index stream), the 95% interval is
/// read at index n/40 from both ends of the sorted scores, and the paired test's p-value is
/// (#{|Δ_i| − mean|Δ| &gt; |Δ|} + 1) / (n + 1).
/// </summary>
public static class Bootstrap
{
    /// <summary>sacrebleu's number of resamples.</summary>
    public const int DefaultSamples = 1000;

    /// <summary>sacrebleu's seed (<c>SACREBLEU_SEED</c> default).</summary>
    public const int DefaultSeed = 12345;

    /// <summary>Bootstrap confidence interval of corpus BLEU.</summary>
    public static ConfidenceInterval BleuConfidence(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references,
        BleuOptions? options = null, int samples = DefaultSamples, int seed = DefaultSeed)
    {
        options ??= new BleuOptions();
        long[] stats = Bleu.Statistics(hypotheses, references, options);
        BleuOptions o = options;
        return Confidence(stats, Bleu.StatsWidth, s => Bleu.ScoreOnly(s, o), samples, seed);
    }

    /// <summary>Bootstrap confidence interval of corpus chrF.</summary>
    public static ConfidenceInterval ChrfConfidence(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references,
        ChrfOptions? options = null, int samples = DefaultSamples, int seed = DefaultSeed)
    {
        options ??= new ChrfOptions();
        long[] stats = Chrf.Statistics(hypotheses, references, options);
        ChrfOptions o = options;
        return Confidence(stats, Chrf.Width(o), s => Chrf.FScore(s, o), samples, seed);
    }

    /// <summary>Paired bootstrap test of <paramref name="system"/> against <paramref name="baseline"/> with BLEU.</summary>
    public static PairedBootstrapResult PairedBleu(IReadOnlyList<string> baseline, IReadOnlyList<string> system,
        IReadOnlyList<IReadOnlyList<string>> references, BleuOptions? options = null, int samples = DefaultSamples, int seed = DefaultSeed)
    {
        options ??= new BleuOptions();
        BleuOptions o = options;
        return Paired(Bleu.Statistics(baseline, references, o), Bleu.Statistics(system, references, o), Bleu.StatsWidth,
            s => Bleu.ScoreOnly(s, o), samples, seed);
    }

    /// <summary>Paired bootstrap test of <paramref name="system"/> against <paramref name="baseline"/> with chrF.</summary>
    public static PairedBootstrapResult PairedChrf(IReadOnlyList<string> baseline, IReadOnlyList<string> system,
        IReadOnlyList<IReadOnlyList<string>> references, ChrfOptions? options = null, int samples = DefaultSamples, int seed = DefaultSeed)
    {
        options ??= new ChrfOptions();
        ChrfOptions o = options;
        return Paired(Chrf.Statistics(baseline, references, o), Chrf.Statistics(system, references, o), Chrf.Width(o),
            s => Chrf.FScore(s, o), samples, seed);
    }

    internal delegate double Scorer(ReadOnlySpan<long> sums);

    private static ConfidenceInterval Confidence(long[] stats, int width, Scorer score, int samples, int seed)
    {
        double full = score(Sum(stats, width));
        double[] scores = Resample([stats], width, score, samples, seed)[0];
        return Estimate(full, scores, seed);
    }

    private static PairedBootstrapResult Paired(long[] baseline, long[] system, int width, Scorer score, int samples, int seed)
    {
        if (baseline.Length != system.Length)
        {
            throw new ArgumentException("baseline and system must have the same number of lines");
        }
        double bl = score(Sum(baseline, width)), sys = score(Sum(system, width));
        double[][] scores = Resample([baseline, system], width, score, samples, seed);
        double diff = Math.Abs(bl - sys);
        var diffs = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            diffs[i] = Math.Abs(scores[1][i] - scores[0][i]);
        }
        double meanDiff = diffs.Average();
        int count = diffs.Count(d => d - meanDiff > diff);
        double p = (count + 1) / (double)(samples + 1);
        return new PairedBootstrapResult(bl, sys, p, Estimate(bl, scores[0], seed), Estimate(sys, scores[1], seed));
    }

    private static long[] Sum(long[] stats, int width)
    {
        var sums = new long[width];
        for (int i = 0; i < stats.Length; i++)
        {
            sums[i % width] += stats[i];
        }
        return sums;
    }

    // The same resampled line indices for every system, drawn in numpy's order (sample by sample).
    private static double[][] Resample(long[][] systems, int width, Scorer score, int samples, int seed)
    {
        if (samples < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), "at least one resample is needed");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        int lines = systems[0].Length / width;
        if (lines == 0)
        {
            throw new ArgumentException("bootstrap needs at least one line");
        }
        var rng = new NumpyRandom((uint)seed);
        var result = systems.Select(_ => new double[samples]).ToArray();
        var idx = new int[lines];
        var sums = new long[width];
        for (int s = 0; s < samples; s++)
        {
            for (int i = 0; i < lines; i++)
            {
                idx[i] = rng.NextIndex(lines);
            }
            for (int k = 0; k < systems.Length; k++)
            {
                Array.Clear(sums);
                long[] stats = systems[k];
                foreach (int i in idx)
                {
                    for (int j = 0; j < width; j++)
                    {
                        sums[j] += stats[(i * width) + j];
                    }
                }
                result[k][s] = score(sums);
            }
        }
        return result;
    }

    private static ConfidenceInterval Estimate(double full, double[] scores, int seed)
    {
        double[] sorted = (double[])scores.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        int lower = n / 40;
        int upper = n - lower - 1;
        double halfWidth = 0.5 * (sorted[upper] - sorted[lower]);
        return new ConfidenceInterval(full, sorted.Average(), halfWidth, n, seed);
    }
}
