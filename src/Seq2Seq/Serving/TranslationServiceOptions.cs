namespace Seq2Seq.Serving;

/// <summary>How a <see cref="TranslationService"/> batches and bounds its work.</summary>
public sealed record TranslationServiceOptions
{
    /// <summary>The most sentences one decoding batch takes (from one request or many).</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>
    /// How long the oldest waiting sentence may wait for others to join its batch before a free decoding thread
    /// takes it anyway. Zero decodes whatever is waiting at once.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Decoding threads, each decoding one batch at a time; 0 = one per core (one off the CPU).</summary>
    public int Threads { get; init; }

    /// <summary>The most sentences waiting to be decoded; a request that would exceed it is refused (<see cref="ServiceUnavailableException"/>).</summary>
    public int MaxQueue { get; init; } = 4096;

    /// <summary>cpu, cuda or auto; null = each model's config.</summary>
    public string? Device { get; init; }

    /// <summary>Throws <see cref="UserErrorException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxBatch < 1) throw new UserErrorException($"max batch must be at least 1 (got {MaxBatch})");
        if (MaxWait < TimeSpan.Zero) throw new UserErrorException($"max wait must be ≥ 0 (got {MaxWait.TotalMilliseconds} ms)");
        if (Threads < 0) throw new UserErrorException($"threads must be ≥ 0 (got {Threads})");
        if (MaxQueue < 1) throw new UserErrorException($"max queue must be at least 1 (got {MaxQueue})");
    }
}
