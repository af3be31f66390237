using Seq2Seq.Inference;
using Seq2Seq.Text;

namespace Seq2Seq.Tests.Inference;

/// <summary>Word alignments from character and word tokens group the tokens back into whitespace-separated words.</summary>
public class WordAlignmentLevelTests
{
    [Fact]
    public void CharactersAreGroupedIntoWordsAtTheSpaceToken()
    {
        // Source " le  chat" (a leading and a double space): words "le", "chat". Target "the cat": words "the", "cat".
        string[] src = ["▁", "l", "e", "▁", "▁", "c", "h", "a", "t"];
        string[] trg = ["t", "h", "e", "▁", "c", "a", "t"];
        float[] toLe = [0.05f, 0.4f, 0.4f, 0.05f, 0, 0.02f, 0.02f, 0.02f, 0.02f, 0.04f];   // + the source EOS column
        float[] toChat = [0, 0.02f, 0.02f, 0, 0.06f, 0.2f, 0.2f, 0.2f, 0.2f, 0.1f];
        float[] toSpace = [0.1f, 0.1f, 0.1f, 0.6f, 0, 0, 0, 0, 0, 0.1f];                  // the space looks at le's side
        float[][] att = [toLe, toLe, toChat, toSpace, toChat, toChat, toChat];
        // "the" = t, h, e sums le 0.85 + 0.85 + 0.04, chat 0.08 + 0.08 + 0.86: le (though "e" alone looks at chat).
        // "cat" = ▁, c, a, t sums le 0.3 + 3 × 0.04, chat 3 × 0.86: chat. The source's empty word (col 3) counts for none.
        Assert.Equal([(0, 0), (1, 1)], WordAlignment.Compute(src, trg, att, TokenLevel.Char, TokenLevel.Char));
    }

    [Fact]
    public void AtTheWordLevelEveryTokenIsAWordUnknownOnesIncluded()
    {
        string[] src = ["le", "chat", "<unk>"];
        string[] trg = ["the", "<unk>", "cat"];
        float[][] att =
        [
            [0.7f, 0.1f, 0.1f, 0.1f],
            [0.1f, 0.1f, 0.7f, 0.1f],
            [0.1f, 0.7f, 0.1f, 0.1f],
            [0, 0, 0, 1],
        ];
        Assert.Equal([(0, 0), (2, 1), (1, 2)], WordAlignment.Compute(src, trg, att, TokenLevel.Word, TokenLevel.Word));

        // Read as BPE, tokens without ▁ continue the first word: everything is one word on each side.
        Assert.Equal([(0, 0)], WordAlignment.Compute(src, trg, att));
    }
}
