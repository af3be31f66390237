namespace Seq2Seq.Classification;

/// <summary>The classifier's answer for one sentence.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="Probabilities">The probability of every label, in <see cref="Classifier.Labels"/> order.</param>
/// <param name="Tokens">The sentence's tokens as the model read them.</param>
/// <param name="Weights">The attention pooling's weight of each token (summing to 1); null for the other poolings.</param>
public sealed record ClassPrediction(string Label, IReadOnlyList<float> Probabilities, IReadOnlyList<string> Tokens, IReadOnlyList<float>? Weights);
