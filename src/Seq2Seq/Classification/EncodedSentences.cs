namespace Seq2Seq.Classification;

/// <summary>Token ids of sentences (no BOS or EOS) and the output index of each one's label.</summary>
/// <param name="Ids">The sentences' token ids.</param>
/// <param name="Labels">The label index of each sentence.</param>
internal sealed record EncodedSentences(IReadOnlyList<int[]> Ids, int[] Labels)
{
    /// <summary>Number of sentences.</summary>
    public int Count => Ids.Count;
}
