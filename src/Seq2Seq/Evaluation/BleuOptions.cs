namespace Seq2Seq.Evaluation;

/// <summary>How BLEU is computed; the defaults are sacrebleu's <c>corpus_bleu</c> defaults.</summary>
public sealed record BleuOptions
{
    /// <summary>Tokenizer name: <c>13a</c> (default), <c>intl</c>, <c>none</c> or <c>char</c>.</summary>
    public string Tokenize { get; init; } = "13a";

    /// <summary>Lowercase hypotheses and references (Python's full <c>lower()</c>) before tokenizing.</summary>
    public bool Lowercase { get; init; }

    /// <summary>The smoothing method.</summary>
    public BleuSmoothing Smooth { get; init; } = BleuSmoothing.Exp;

    /// <summary>The value for <see cref="BleuSmoothing.Floor"/> and <see cref="BleuSmoothing.AddK"/>; null takes the default (0.1, 1).</summary>
    public double? SmoothValue { get; init; }

    /// <summary>Stop at the first n-gram order the hypothesis has no n-grams of (recommended for sentence BLEU).</summary>
    public bool EffectiveOrder { get; init; }

    /// <summary>The smoothing value actually used.</summary>
    public double EffectiveSmoothValue => SmoothValue ?? DefaultSmoothValue(Smooth) ?? 0.0;

    /// <summary>sacrebleu's default value of a smoothing method, or null where it takes none.</summary>
    public static double? DefaultSmoothValue(BleuSmoothing method) => method switch
    {
        BleuSmoothing.Floor => 0.1,
        BleuSmoothing.AddK => 1.0,
        _ => null,
    };

    /// <summary>The sacrebleu name of a smoothing method (<c>exp</c>, <c>floor</c>, <c>add-k</c>, <c>none</c>).</summary>
    public static string SmoothingName(BleuSmoothing method) => method switch
    {
        BleuSmoothing.Exp => "exp",
        BleuSmoothing.Floor => "floor",
        BleuSmoothing.AddK => "add-k",
        _ => "none",
    };

    /// <summary>Parses a sacrebleu smoothing name.</summary>
    /// <exception cref="ArgumentException">The name is not exp, floor, add-k or none.</exception>
    public static BleuSmoothing ParseSmoothing(string name) => name switch
    {
        "exp" => BleuSmoothing.Exp,
        "floor" => BleuSmoothing.Floor,
        "add-k" => BleuSmoothing.AddK,
        "none" => BleuSmoothing.None,
        _ => throw new ArgumentException($"unknown smoothing method '{name}' (expected exp, floor, add-k or none)", nameof(name)),
    };
}
