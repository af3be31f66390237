using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Inference;

public class WordAlignmentTests
{
    [Fact]
    public void MergesSubwordsAndPicksTheSourceWordWithTheMostMass()
    {
        // Source words: "▁le" "▁chat|on" ; target words: "▁the" "▁kit|ten"; plus EOS row and column.
        string[] src = ["▁le", "▁chat", "on"];
        string[] trg = ["▁the", "▁kit", "ten"];
        float[][] att =
        [
            [0.6f, 0.3f, 0.0f, 0.1f],
            [0.5f, 0.3f, 0.1f, 0.1f],   // "kit": le 0.5 vs chaton 0.4 ...
            [0.1f, 0.2f, 0.6f, 0.1f],   // ... but "kitten" sums to le 0.6, chaton 1.2
            [0.0f, 0.0f, 0.0f, 1.0f],
        ];
        var links = WordAlignment.Compute(src, trg, att);
        Assert.Equal([(0, 0), (1, 1)], links);
        Assert.Equal("0-0 1-1", WordAlignment.Format(links));
    }

    [Fact]
    public void EmptyWordsAreSkippedAndAFirstContinuationStartsAWord()
    {
        string[] src = ["▁", "▁a", "▁", "▁b"];           // " a  b" → words a, b
        string[] trg = ["x", "▁y"];                      // output starting mid-word
        float[][] att = [[0.1f, 0.1f, 0.1f, 0.7f], [0.1f, 0.8f, 0.05f, 0.05f]];
        Assert.Equal([(1, 0), (0, 1)], WordAlignment.Compute(src, trg, att));
        Assert.Empty(WordAlignment.Compute([], trg, [[], []]));
    }
}
