using Seq2Seq.Text;

namespace Seq2Seq.Config;

/// <summary>The <c>data:</c> section of a sentence classifier: a text file and a label file per split, one line each.</summary>
public sealed record ClassifierDataConfig
{
    /// <summary>Training prefix: files are <c>{train}.{text}</c> and <c>{train}.{labels}</c>. Required.</summary>
    [Required]
    public string Train { get; init; } = "";

    /// <summary>Development (validation) prefix. Required.</summary>
    [Required]
    public string Dev { get; init; } = "";

    /// <summary>Test prefix (optional; for <c>seq2seq classify test</c>).</summary>
    public string? Test { get; init; }

    /// <summary>Suffix of the sentence files.</summary>
    public string Text { get; init; } = "txt";

    /// <summary>Suffix of the label files (one label a line, e.g. <c>positive</c>).</summary>
    public string Labels { get; init; } = "labels";

    /// <summary>Training sentences with more tokens than this are skipped.</summary>
    [Range(Above = 0)]
    public int MaxLength { get; init; } = 100;

    /// <summary>Lowercase all text before the vocabulary is learned and text encoded.</summary>
    public bool Lowercase { get; init; }

    /// <summary>What a token is: <c>word</c>, <c>bpe</c> or <c>char</c> (as <c>subwords.type</c> of translation).</summary>
    public TokenLevel Tokens { get; init; } = TokenLevel.Word;

    /// <summary>Vocabulary size, special tokens included (for <c>word</c> and <c>char</c> a limit on the most frequent).</summary>
    [Range(Above = 0)]
    public int VocabSize { get; init; } = 8000;

    /// <summary>A word or character enters the vocabulary (a BPE pair is merged) when it occurs at least this often.</summary>
    [Range(Above = 0)]
    public int MinFrequency { get; init; } = 1;
}
