using Seq2Seq.Config;

namespace Seq2Seq.Inference;

/// <summary>How to decode.</summary>
public sealed record DecodingOptions
{
    /// <summary>Beam width; 1 = greedy (unless <see cref="NBest"/> &gt; 1).</summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>
    /// GNMT length penalty exponent (beam search): hypotheses are ranked by log-probability / ((5 + len) / 6)^α,
    /// len counting the output subwords and EOS. 0 ranks by plain log-probability.
    /// </summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Batch size, in <see cref="BatchType"/> units.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Whether <see cref="BatchSize"/> counts sentences or padded source subwords.</summary>
    public BatchType BatchType { get; init; } = BatchType.Sentences;

    /// <summary>Output limit = ratio × source subwords + offset (at least 1).</summary>
    public double MaxLengthRatio { get; init; } = 1.5;

    /// <summary>Output limit = ratio × source subwords + offset (at least 1).</summary>
    public int MaxLengthOffset { get; init; } = 10;

    /// <summary>Outputs have at least this many subwords before EOS (unless the output limit comes first).</summary>
    public int MinLength { get; init; }

    /// <summary>Hypotheses returned per sentence (at most <see cref="BeamSize"/>), best first.</summary>
    public int NBest { get; init; } = 1;

    /// <summary>
    /// Sources longer than this many subwords are cut to it before decoding (the output translates the
    /// beginning only; <see cref="Translation.SourceTruncated"/> says so). Keeps very long lines from
    /// exhausting memory.
    /// </summary>
    public int MaxSourceLength { get; init; } = 250;

    /// <summary>
    /// Beam search keeps the greedy path in the beam (it replaces the K-th candidate when it falls out), so the
    /// greedy output is always among the final hypotheses: with <see cref="Alpha"/> = 0 beam search never returns
    /// a less probable output than greedy search. False (the default) is textbook beam search.
    /// </summary>
    public bool KeepGreedyPath { get; init; }

    /// <summary>
    /// Greedy and beam search choose each batch's outputs among the target tokens its shortlist lists for the batch's
    /// source tokens (the output layer and softmax run over those only); null (the default) scores the whole target
    /// vocabulary. Sampling always draws from the whole vocabulary.
    /// </summary>
    public Shortlist? Shortlist { get; init; }

    /// <summary>Return attention weights with each hypothesis (needed for alignments).</summary>
    public bool KeepAttention { get; init; }

    /// <summary>
    /// Draw each output token from the model's distribution (see <see cref="SamplingSearch"/>) instead of searching
    /// for the most likely output; needs <see cref="BeamSize"/> = 1 and <see cref="NBest"/> = 1.
    /// </summary>
    public bool Sample { get; init; }

    /// <summary>Sampling temperature: probabilities ∝ p^(1/T); below 1 sharper, above 1 flatter; 0 = always the most likely token.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Sample among the K most likely tokens only; 0 = the whole vocabulary.</summary>
    public int TopK { get; init; }

    /// <summary>Seed of the sampling generator: the same sentences, options and seed give the same outputs.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="UserErrorException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (BeamSize < 1) throw new UserErrorException($"beam size must be at least 1 (got {BeamSize})");
        if (NBest < 1 || NBest > BeamSize) throw new UserErrorException($"n-best must be between 1 and the beam size {BeamSize} (got {NBest})");
        if (BatchSize < 1) throw new UserErrorException($"batch size must be at least 1 (got {BatchSize})");
        if (!(MaxLengthRatio >= 0) || double.IsInfinity(MaxLengthRatio)) throw new UserErrorException($"max length ratio must be a finite number ≥ 0 (got {MaxLengthRatio})");
        if (MaxLengthOffset < 0) throw new UserErrorException($"max length offset must be ≥ 0 (got {MaxLengthOffset})");
        if (MinLength < 0) throw new UserErrorException($"min length must be ≥ 0 (got {MinLength})");
        if (!(Alpha >= 0) || double.IsInfinity(Alpha)) throw new UserErrorException($"alpha must be a finite number ≥ 0 (got {Alpha})");
        if (MaxSourceLength < 1) throw new UserErrorException($"max source length must be at least 1 (got {MaxSourceLength})");
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new UserErrorException($"temperature must be a finite number ≥ 0 (got {Temperature})");
        if (TopK < 0) throw new UserErrorException($"top-k must be ≥ 0 (got {TopK})");
        if (Seed < 0) throw new UserErrorException($"seed must be ≥ 0 (got {Seed})");
        if (Sample && (BeamSize != 1 || NBest != 1))
            throw new UserErrorException($"sampling draws one output per sentence: it needs beam size 1 and n-best 1 (got {BeamSize} and {NBest})");
    }
}
