namespace Seq2Seq.Evaluation;

/// <summary>Counts of one n-gram order: hypothesis n-grams, reference n-grams, matches.</summary>
/// <param name="Hyp">Hypothesis n-grams (0 on a line whose reference has none of this order).</param>
/// <param name="Ref">Reference n-grams.</param>
/// <param name="Match">Clipped matches.</param>
public readonly record struct ChrfOrderCounts(long Hyp, long Ref, long Match);
