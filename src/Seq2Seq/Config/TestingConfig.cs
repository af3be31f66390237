namespace Seq2Seq.Config;

/// <summary>The <c>testing:</c> section: decoding settings.</summary>
public sealed record TestingConfig
{
    /// <summary>Beam width; 1 = greedy.</summary>
    [Range(Above = 0)]
    public int BeamSize { get; init; } = 5;

    /// <summary>GNMT length penalty exponent; 0 = off.</summary>
    [Range(From = 0)]
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// Beam search also follows the greedy path and keeps it in the beam, so the greedy output is always among the
    /// final hypotheses; false (the default) is textbook beam search (docs/translation.md, "Keeping the greedy path").
    /// </summary>
    public bool KeepGreedyPath { get; init; }

    /// <summary>
    /// A vocabulary shortlist file (written by <c>seq2seq shortlist</c>) that translate and test decode with by
    /// default; null = the whole target vocabulary.
    /// </summary>
    public string? Shortlist { get; init; }

    /// <summary>Sentences per decoding batch.</summary>
    [Range(Above = 0)]
    public int BatchSize { get; init; } = 32;

    /// <summary>Output limit = ratio × source subwords + offset.</summary>
    [Range(Above = 0)]
    public double MaxLengthRatio { get; init; } = 1.5;

    /// <summary>Output limit = ratio × source subwords + offset.</summary>
    [Range(From = 0)]
    public int MaxLengthOffset { get; init; } = 10;
}
