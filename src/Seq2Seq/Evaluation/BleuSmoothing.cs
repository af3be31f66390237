namespace Seq2Seq.Evaluation;

/// <summary>BLEU smoothing methods (Chen &amp; Cherry 2014), as named by sacrebleu.</summary>
public enum BleuSmoothing
{
    /// <summary><c>exp</c>: NIST geometric smoothing of zero-match orders (sacrebleu's default).</summary>
    Exp,

    /// <summary><c>floor</c>: a zero-match order counts <see cref="BleuOptions.SmoothValue"/> matches (default 0.1).</summary>
    Floor,

    /// <summary><c>add-k</c>: adds <see cref="BleuOptions.SmoothValue"/> (default 1) to matches and totals of orders 2–4.</summary>
    AddK,

    /// <summary><c>none</c>: no smoothing.</summary>
    None,
}
