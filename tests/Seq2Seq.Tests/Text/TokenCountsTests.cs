using Seq2Seq.Text;

namespace Seq2Seq.Tests.Text;

/// <summary>
/// The frequency cut shared by the char and word levels: specials first, then tokens counted at least min_frequency
/// times, most frequent first with ties in ordinal order, up to the size limit; removed tokens never enter.
/// </summary>
public class TokenCountsTests
{
    [Fact]
    public void KeepsFrequentTokensMostFrequentFirstTiesInOrdinalOrderUpToTheLimit()
    {
        var counts = new TokenCounts();
        foreach (string token in "b a c a b a d e e Z".Split(' ')) counts.Add(token.AsSpan());

        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "a", "b", "e", "Z", "c", "d"], counts.Vocabulary(vocabSize: 100, minFrequency: 1));
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "a", "b", "e"], counts.Vocabulary(vocabSize: 100, minFrequency: 2));
        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "a", "b"], counts.Vocabulary(vocabSize: 6, minFrequency: 1));
    }

    [Fact]
    public void ARemovedTokenNeverEntersAndSlicesCountAsTheirText()
    {
        var counts = new TokenCounts();
        string line = "<s> chat <s> chat";
        counts.Add(line.AsSpan(0, 3));
        counts.Add(line.AsSpan(4, 4));
        counts.Add(line.AsSpan(9, 3));
        counts.Add(line.AsSpan(13, 4));
        counts.Remove("<s>");

        Assert.Equal(["<pad>", "<unk>", "<s>", "</s>", "chat"], counts.Vocabulary(vocabSize: 10, minFrequency: 2));
    }
}
