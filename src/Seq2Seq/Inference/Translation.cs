using Seq2Seq.Text;

namespace Seq2Seq.Inference;

/// <summary>One translation.</summary>
/// <param name="Text">Detokenized output text (never contains a line break).</param>
/// <param name="Score">
/// The score the search ranked by: the log-probability divided by the GNMT length penalty ((5 + len) / 6)^α for
/// beam search, the plain log-probability for greedy search (or α = 0). Higher is better; 0 for an empty input.
/// </param>
/// <param name="Tokens">Output tokens, EOS excluded: subwords with their ▁ word markers, characters (a space is "▁") or words.</param>
/// <param name="SourceTokens">Input tokens as encoded (after lowercasing and truncation).</param>
/// <param name="Attention">
/// Attention weights when <see cref="DecodingOptions.KeepAttention"/> is set: one row per output subword plus the
/// EOS step (when EOS was generated), over the source subwords plus the source EOS; each row sums to 1.
/// </param>
public sealed record Translation(string Text, double Score, IReadOnlyList<string> Tokens, IReadOnlyList<string> SourceTokens,
    float[][]? Attention)
{
    /// <summary>Total log-probability of the output subwords (and EOS when generated) under the model.</summary>
    public double LogProbability { get; init; }

    /// <summary>What a token of <see cref="SourceTokens"/> is (how <see cref="Alignment"/> groups them into words).</summary>
    public TokenLevel SourceLevel { get; init; } = TokenLevel.Bpe;

    /// <summary>What a token of <see cref="Tokens"/> is.</summary>
    public TokenLevel TargetLevel { get; init; } = TokenLevel.Bpe;

    /// <summary>True when the source was longer than <see cref="DecodingOptions.MaxSourceLength"/> and only its beginning was translated.</summary>
    public bool SourceTruncated { get; init; }

    /// <summary>
    /// The <see cref="DecodingOptions.NBest"/> best hypotheses, best first (the first is this translation);
    /// sorted by <see cref="Score"/>, each a distinct subword sequence.
    /// </summary>
    public IReadOnlyList<Translation> NBest { get; init; } = [];

    /// <summary>
    /// Hard word alignments from <see cref="Attention"/> (see <see cref="WordAlignment"/> for the rule), as
    /// (source word, target word) pairs, 0-based.
    /// </summary>
    /// <exception cref="InvalidOperationException">The translation was made without <see cref="DecodingOptions.KeepAttention"/>.</exception>
    public List<(int Source, int Target)> Alignment() =>
        WordAlignment.Compute(SourceTokens, Tokens,
            Attention ?? throw new InvalidOperationException("no attention: translate with KeepAttention = true"), SourceLevel, TargetLevel);
}
