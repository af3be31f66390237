using Microsoft.ML.Tokenizers;

namespace Seq2Seq.Text;

/// <summary>
/// Splits an already marked text (see <see cref="WordBoundary"/>) into the pieces BPE merges within: before every ▁,
/// and between letters, digits and punctuation when the subwords were learned that way. BpeTokenizer caches per
/// piece. The pieces cover the whole text: nothing is dropped.
/// </summary>
internal sealed class WordBoundaryPreTokenizer(bool splitScripts) : PreTokenizer
{
    /// <summary>Pieces are whole words (subwords learned before punctuation was split off).</summary>
    public static readonly WordBoundaryPreTokenizer Words = new(splitScripts: false);

    /// <summary>Words are also cut between letters, digits and punctuation.</summary>
    public static readonly WordBoundaryPreTokenizer Scripts = new(splitScripts: true);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        string.IsNullOrEmpty(text) ? [] : WordBoundary.Split(text, splitScripts);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
        text.IsEmpty ? [] : WordBoundary.Split(text, splitScripts);
}
