namespace Seq2Seq.Text;

/// <summary>What one token of a side is (<c>subwords.type</c>, <c>src_type</c>, <c>trg_type</c> in the config).</summary>
public enum TokenLevel
{
    /// <summary>Byte-pair-encoding subwords (<c>bpe</c>, <see cref="SubwordTokenizer"/>).</summary>
    Bpe,

    /// <summary>Single characters, a space being the token ▁ (<c>char</c>, <see cref="CharTokenizer"/>).</summary>
    Char,

    /// <summary>Whitespace-separated words (<c>word</c>, <see cref="WordTokenizer"/>).</summary>
    Word,
}
