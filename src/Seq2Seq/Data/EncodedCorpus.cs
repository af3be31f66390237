namespace Seq2Seq.Data;

/// <summary>Token ids of the kept pairs (no BOS/EOS added yet) and, for each, its line index in the corpus.</summary>
public sealed record EncodedCorpus(IReadOnlyList<int[]> Source, IReadOnlyList<int[]> Target, IReadOnlyList<int> Lines, CorpusReport Report)
{
    /// <summary>Number of kept pairs.</summary>
    public int Count => Source.Count;
}
