using System.Globalization;

namespace Seq2Seq.Inference;

/// <summary>
/// Which lines of an input one shard of a cluster job array translates: shard <see cref="Index"/> of
/// <see cref="Count"/> takes every <see cref="Count"/>-th line, starting at line <see cref="Index"/> (0-based).
/// Interleaving needs no line count before the first line is translated, so each shard streams the input once in
/// constant memory, long and short lines spread evenly over the shards, and the merge reads the parts back in
/// lock step, one line from each in turn.
/// </summary>
public sealed record ShardPlan
{
    /// <summary>The shard, 0 to <see cref="Count"/> − 1.</summary>
    public int Index { get; }

    /// <summary>How many shards the input is split into.</summary>
    public int Count { get; }

    /// <exception cref="UserErrorException">The count is below 1 or the index outside 0 to count − 1.</exception>
    public ShardPlan(int index, int count)
    {
        if (count < 1) throw new UserErrorException($"--shards must be at least 1 (got {count})");
        if (index < 0 || index >= count) throw new UserErrorException($"--shard: the shard must be between 0 and {count - 1} (got {index} of {count})");
        Index = index;
        Count = count;
    }

    /// <summary>
    /// Reads <c>--shard I/N</c>, or <c>--shard auto</c> from the scheduler's environment: the index from
    /// <c>SLURM_ARRAY_TASK_ID</c> (less <c>SLURM_ARRAY_TASK_MIN</c> when set, so <c>--array=1-N</c> works too) or
    /// <c>JOB_COMPLETION_INDEX</c> (a Kubernetes Indexed Job); the count from <paramref name="shards"/> or
    /// <c>SLURM_ARRAY_TASK_COUNT</c>. <paramref name="environment"/> looks a variable up (null when unset).
    /// </summary>
    /// <exception cref="UserErrorException">The text or the environment does not name a shard.</exception>
    public static ShardPlan Parse(string spec, int? shards, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(environment);
        if (spec == "auto") return FromEnvironment(shards, environment);
        int slash = spec.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryInt(spec[..slash], out int index) || !TryInt(spec[(slash + 1)..], out int count))
            throw new UserErrorException($"--shard: expected I/N (e.g. 0/3) or auto, got '{spec}'");
        if (shards is int n && n != count) throw new UserErrorException($"--shard {spec} and --shards {n} disagree");
        return new ShardPlan(index, count);
    }

    private static ShardPlan FromEnvironment(int? shards, Func<string, string?> environment)
    {
        int index, count;
        if (environment("SLURM_ARRAY_TASK_ID") is string task)
        {
            index = Variable("SLURM_ARRAY_TASK_ID", task) - (environment("SLURM_ARRAY_TASK_MIN") is string min ? Variable("SLURM_ARRAY_TASK_MIN", min) : 0);
            int? slurmCount = environment("SLURM_ARRAY_TASK_COUNT") is string c ? Variable("SLURM_ARRAY_TASK_COUNT", c) : null;
            if (shards is int s && slurmCount is int sc && s != sc)
                throw new UserErrorException($"--shards {s} disagrees with SLURM_ARRAY_TASK_COUNT={sc}");
            count = shards ?? slurmCount ?? throw new UserErrorException("--shard auto: SLURM_ARRAY_TASK_COUNT is not set; give --shards N");
        }
        else if (environment("JOB_COMPLETION_INDEX") is string job)
        {
            index = Variable("JOB_COMPLETION_INDEX", job);
            count = shards ?? throw new UserErrorException("--shard auto with JOB_COMPLETION_INDEX needs --shards N (the Job's completions)");
        }
        else
        {
            throw new UserErrorException("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set; give --shard I/N");
        }
        return new ShardPlan(index, count);
    }

    private static int Variable(string name, string value) =>
        TryInt(value, out int n) ? n : throw new UserErrorException($"{name}: expected a whole number, got '{value}'");

    private static bool TryInt(string s, out int n) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);

    /// <summary>Whether input line <paramref name="line"/> (0-based) belongs to this shard.</summary>
    public bool Owns(long line) => line % Count == Index;

    /// <summary>The lines of <paramref name="lines"/> this shard translates, in input order.</summary>
    public IEnumerable<string> Select(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return SelectIterator(lines);
    }

    private IEnumerable<string> SelectIterator(IEnumerable<string> lines)
    {
        long i = 0;
        foreach (string line in lines)
            if (Owns(i++)) yield return line;
    }

    /// <summary>How many of <paramref name="inputLines"/> lines this shard translates.</summary>
    public long LinesOf(long inputLines) => inputLines > Index ? (inputLines - Index - 1) / Count + 1 : 0;

    /// <summary>The part this shard writes for the output prefix <paramref name="prefix"/>: <c>PREFIX.I-of-N</c>.</summary>
    public string PartPath(string prefix) => $"{prefix}.{Index}-of-{Count}";

    /// <summary>The completion record beside the part, written only after the part is complete: <c>PREFIX.I-of-N.done</c>.</summary>
    public string RecordPath(string prefix) => PartPath(prefix) + ".done";

    /// <summary>
    /// Readies the folder of <paramref name="prefix"/> for this shard to write its part again: makes the folder (the
    /// first shard to start does), removes the part's completion record, so that a run killed while rewriting the
    /// part leaves a part without a record, and removes the temporary files of this part that a killed run left (a
    /// scheduler runs one task per shard at a time).
    /// </summary>
    /// <exception cref="UserErrorException">The folder cannot be made or a file cannot be removed.</exception>
    public void PrepareRun(string prefix)
    {
        string part = PartPath(prefix);
        try
        {
            string folder = Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(part))!).FullName;
            File.Delete(RecordPath(prefix));
            foreach (string stale in Directory.GetFiles(folder, Path.GetFileName(part) + AtomicFile.TemporaryPattern[1..])) File.Delete(stale);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{part}: cannot prepare the part's folder or remove an earlier run's files ({e.Message})", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
