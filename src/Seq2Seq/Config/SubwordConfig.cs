using Seq2Seq.Text;

namespace Seq2Seq.Config;

/// <summary>
/// The <c>subwords:</c> section: what a token is on each side, and how large the vocabularies get. <c>type</c> sets
/// both sides; <c>src_type</c> / <c>trg_type</c>, when given, override it for one side (e.g. characters in,
/// words out). Model directories written before these keys existed hold BPE on both sides, the default.
/// </summary>
public sealed record SubwordConfig
{
    /// <summary>
    /// Token level of both sides: <c>bpe</c> (byte-pair-encoding subwords, a merges file next to the vocabulary),
    /// <c>char</c> (every character a token, a space the visible token ▁, text round-trips exactly) or <c>word</c>
    /// (whitespace-separated words; rare ones become &lt;unk&gt;, whose share of the dev set is reported).
    /// </summary>
    public TokenLevel Type { get; init; } = TokenLevel.Bpe;

    /// <summary>Token level of the source side; <c>null</c> (the default) = <see cref="Type"/>.</summary>
    public TokenLevel? SrcType { get; init; }

    /// <summary>Token level of the target side; <c>null</c> (the default) = <see cref="Type"/>.</summary>
    public TokenLevel? TrgType { get; init; }

    /// <summary>
    /// Source vocabulary size, special tokens included: the size BPE learns to (characters and merges together);
    /// for <c>char</c> and <c>word</c> a limit: the most frequent characters or words are kept, up to this many.
    /// </summary>
    [Range(Above = 0)]
    public int SrcVocabSize { get; init; } = 8000;

    /// <summary>Target vocabulary size (see <see cref="SrcVocabSize"/>).</summary>
    [Range(Above = 0)]
    public int TrgVocabSize { get; init; } = 8000;

    /// <summary>
    /// For <c>bpe</c>, a pair must occur at least this often to be merged; for <c>char</c> and <c>word</c>, a
    /// character or word must occur at least this often in the training text to enter the vocabulary (rarer ones
    /// become &lt;unk&gt;).
    /// </summary>
    [Range(Above = 0)]
    public int MinFrequency { get; init; } = 2;

    /// <summary>The source side's token level: <see cref="SrcType"/>, or <see cref="Type"/> when that is not set.</summary>
    public TokenLevel SourceLevel => SrcType ?? Type;

    /// <summary>The target side's token level: <see cref="TrgType"/>, or <see cref="Type"/> when that is not set.</summary>
    public TokenLevel TargetLevel => TrgType ?? Type;
}
