namespace Seq2Seq.Inference;

/// <summary>
/// Puts the parts of a sharded translation back together: checks that every part is complete (its completion
/// record is there and the part's bytes are the ones it describes), that all were made from this input (line count
/// and the checksum of each shard's lines), by one model with one set of decoding settings (and by the given model),
/// then writes the translation in input order, atomically.
/// </summary>
public static class ShardMerge
{
    /// <summary>
    /// Merges the <paramref name="shards"/> parts under <paramref name="prefix"/> of the translation of
    /// <paramref name="inputPath"/> into <paramref name="outputPath"/>; returns the number of lines written.
    /// <paramref name="modelFingerprint"/>, when given, is the <see cref="ShardRecord.ModelFingerprint"/> every part must have.
    /// </summary>
    /// <exception cref="UserErrorException">A part is missing, incomplete or stale (the message names it), or a file cannot be read or written.</exception>
    public static long Merge(string inputPath, int shards, string prefix, string outputPath, string? modelFingerprint = null)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(outputPath);
        if (shards < 1) throw new UserErrorException($"--shards must be at least 1 (got {shards})");
        var plans = Enumerable.Range(0, shards).Select(i => new ShardPlan(i, shards)).ToArray();
        var records = plans.Select(p => Complete(p, prefix)).ToArray();

        var (inputLines, digests) = ShardRecord.DigestInput(inputPath, shards);
        for (int i = 0; i < shards; i++)
        {
            string part = plans[i].PartPath(prefix);
            var r = records[i];
            if (r.InputLines != inputLines || r.InputSha256 != digests[i])
                throw new UserErrorException($"{part}: stale: it translates another input than {inputPath} (or the input changed since)");
            if (modelFingerprint is not null && r.Model != modelFingerprint)
                throw new UserErrorException($"{part}: stale: it was translated with another model than the one given with --model");
            if (r.Model != records[0].Model)
                throw new UserErrorException($"{part}: stale: it was translated with another model than {plans[0].PartPath(prefix)}");
            if (r.Decoding != records[0].Decoding)
                throw new UserErrorException($"{part}: stale: decoded with other settings ({r.Decoding}) than {plans[0].PartPath(prefix)} ({records[0].Decoding})");
        }

        try
        {
            AtomicFile.Write(outputPath, output => Interleave(plans.Select(p => p.PartPath(prefix)).ToArray(), inputLines, output));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{outputPath}: cannot write ({e.Message})", e);
        }
        return inputLines;
    }

    /// <summary>The record of a complete part; a missing part, a missing record, or a part that is not the one its record describes is an error.</summary>
    private static ShardRecord Complete(ShardPlan plan, string prefix)
    {
        string part = plan.PartPath(prefix), recordPath = plan.RecordPath(prefix);
        if (!File.Exists(part)) throw new UserErrorException($"{part}: missing (shard {plan} has not finished)");
        if (ShardRecord.Read(recordPath) is not { } r)
            throw new UserErrorException($"{part}: incomplete: no completion record {Path.GetFileName(recordPath)} (shard {plan} did not finish; run it again)");
        if (r.Shard != plan.Index || r.Shards != plan.Count)
            throw new UserErrorException($"{part}: stale: its record is for shard {r.Shard}/{r.Shards}, not {plan}");
        if (r.PartSha256 != ShardRecord.FileSha256(part) || r.Lines != plan.LinesOf(r.InputLines))
            throw new UserErrorException($"{part}: stale: the part is not the one its record {Path.GetFileName(recordPath)} describes (changed after shard {plan} finished)");
        return r;
    }

    /// <summary>
    /// Copies line k of the whole translation from part k mod N, byte for byte, up to and including its '\n'.
    /// The records have already checked each part's size and bytes, so every part has exactly its lines.
    /// </summary>
    private static void Interleave(string[] parts, long inputLines, Stream output)
    {
        var readers = new List<Stream>();
        try
        {
            foreach (string part in parts) readers.Add(new BufferedStream(new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, 1), 1 << 16));
            var writer = new BufferedStream(output, 1 << 16);
            for (long k = 0; k < inputLines; k++)
            {
                var reader = readers[(int)(k % parts.Length)];
                int b;
                while ((b = reader.ReadByte()) >= 0)
                {
                    writer.WriteByte((byte)b);
                    if (b == '\n') break;
                }
                if (b < 0) throw new IOException($"{parts[k % parts.Length]} ended before line {k + 1} of the input");
            }
            writer.Flush();
        }
        finally
        {
            foreach (var r in readers) r.Dispose();
        }
    }
}
