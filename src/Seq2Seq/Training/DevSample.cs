namespace Seq2Seq.Training;

/// <summary>A dev sentence with its reference and the model's current greedy translation.</summary>
public sealed record DevSample(string Source, string Reference, string Hypothesis);
