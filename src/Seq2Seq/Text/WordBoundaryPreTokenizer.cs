using Microsoft.ML.Tokenizers;

namespace Seq2Seq.Text;

/// <summary>
/// Splits an already marked text (see <see cref="WordBoundary"/>) before every ▁, so BpeTokenizer
/// merges within words and caches per word. The splits cover the whole text: nothing is dropped.
/// </summary>
internal sealed class WordBoundaryPreTokenizer : PreTokenizer
{
    public static readonly WordBoundaryPreTokenizer Instance = new();

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        string.IsNullOrEmpty(text) ? [] : WordBoundary.Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) =>
        text.IsEmpty ? [] : WordBoundary.Split(text);
}
