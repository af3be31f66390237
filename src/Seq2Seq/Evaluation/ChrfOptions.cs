namespace Seq2Seq.Evaluation;

/// <summary>How chrF is computed; the defaults are sacrebleu's chrF2 (word order 2 gives chrF++).</summary>
public sealed record ChrfOptions
{
    /// <summary>Character n-gram order (6).</summary>
    public int CharOrder { get; init; } = 6;

    /// <summary>Word n-gram order: 0 for chrF, 2 for chrF++.</summary>
    public int WordOrder { get; init; }

    /// <summary>Recall weight β (2).</summary>
    public int Beta { get; init; } = 2;

    /// <summary>Lowercase (Python's full <c>lower()</c>) before extracting n-grams.</summary>
    public bool Lowercase { get; init; }

    /// <summary>Keep whitespace inside character n-grams.</summary>
    public bool Whitespace { get; init; }

    /// <summary>chrF++.py-style epsilon smoothing instead of sacrebleu's effective-order averaging.</summary>
    public bool EpsSmoothing { get; init; }

    /// <summary>chrF++ (word order 2).</summary>
    public static ChrfOptions ChrfPlusPlus { get; } = new() { WordOrder = 2 };
}
