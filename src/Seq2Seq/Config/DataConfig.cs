namespace Seq2Seq.Config;

/// <summary>The <c>data:</c> section.</summary>
public sealed record DataConfig
{
    /// <summary>Training corpus prefix: files are <c>{train}.{src}</c> and <c>{train}.{trg}</c>. Required.</summary>
    [Required]
    public string Train { get; init; } = "";

    /// <summary>Development (validation) corpus prefix. Required.</summary>
    [Required]
    public string Dev { get; init; } = "";

    /// <summary>Test corpus prefix, or a list of them (optional; used by <c>seq2seq test</c>).</summary>
    public TestSets? Test { get; init; }

    /// <summary>Source language suffix, e.g. <c>fr</c>. Required.</summary>
    [Required]
    public string Src { get; init; } = "";

    /// <summary>Target language suffix, e.g. <c>en</c>. Required.</summary>
    [Required]
    public string Trg { get; init; } = "";

    /// <summary>Training pairs with more tokens than this on either side are skipped (subwords, characters or words: see <see cref="SubwordConfig.Type"/>).</summary>
    [Range(Above = 0)]
    public int MaxLength { get; init; } = 50;

    /// <summary>Lowercase all text before subword learning and encoding.</summary>
    public bool Lowercase { get; init; }
}
