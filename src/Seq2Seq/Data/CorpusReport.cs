namespace Seq2Seq.Data;

/// <summary>How many pairs were read, kept and skipped (and why), and how many of the kept pairs' tokens are &lt;unk&gt;.</summary>
public sealed record CorpusReport(int Read, int Kept, int SkippedEmpty, int SkippedTooLong)
{
    /// <summary>Source tokens of the kept pairs (no EOS).</summary>
    public long SourceTokens { get; init; }

    /// <summary>How many of <see cref="SourceTokens"/> are &lt;unk&gt;.</summary>
    public long SourceUnknown { get; init; }

    /// <summary>Target tokens of the kept pairs (no EOS).</summary>
    public long TargetTokens { get; init; }

    /// <summary>How many of <see cref="TargetTokens"/> are &lt;unk&gt;.</summary>
    public long TargetUnknown { get; init; }

    /// <summary>The share of source tokens that are &lt;unk&gt;, 0 to 1 (0 when there are none).</summary>
    public double SourceUnknownShare => SourceTokens == 0 ? 0 : (double)SourceUnknown / SourceTokens;

    /// <summary>The share of target tokens that are &lt;unk&gt;, 0 to 1 (0 when there are none).</summary>
    public double TargetUnknownShare => TargetTokens == 0 ? 0 : (double)TargetUnknown / TargetTokens;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Kept} of {Read} pairs kept ({SkippedEmpty} empty, {SkippedTooLong} too long skipped)";
}
