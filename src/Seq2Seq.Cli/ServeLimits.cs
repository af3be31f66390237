namespace Seq2Seq.Cli;

/// <summary>The bounds <c>seq2seq serve</c> puts on one request (each a flag; see <see cref="ServeCommand"/>).</summary>
internal sealed record ServeLimits
{
    /// <summary>The largest request body, in bytes (larger: 413).</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>The most sentences in one request (more: 413).</summary>
    public int MaxSentences { get; init; } = 100;

    /// <summary>The most characters (UTF-16 code units) in one sentence (more: 413).</summary>
    public int MaxChars { get; init; } = 2000;

    /// <summary>The largest beam a request may ask for (larger: 400); n-best is at most the beam.</summary>
    public int MaxBeam { get; init; } = 16;
}
