using System.Text;
using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Inference;

public class InputLinesTests
{
    private static List<string> Read(byte[] bytes) => [.. InputLines.Read(new MemoryStream(bytes))];

    [Fact]
    public void SplitsAtLineFeedOnlyAndDropsATrailingCarriageReturn()
    {
        var lines = Read(Encoding.UTF8.GetBytes("a\r\nb\rc\n\n\u2028d\u0085\ne"));
        Assert.Equal(["a", "b\rc", "", "\u2028d\u0085", "e"], lines);
    }

    [Fact]
    public void SkipsTheByteOrderMarkAndCountsAFinalLineWithoutNewline()
    {
        Assert.Equal(["x", "y"], Read([0xEF, 0xBB, 0xBF, (byte)'x', (byte)'\n', (byte)'y']));
        Assert.Equal(["x"], Read([(byte)'x', (byte)'\n']));
        Assert.Empty(Read([]));
        Assert.Equal([""], Read([(byte)'\n']));
    }

    [Fact]
    public void InvalidUtf8BecomesReplacementCharactersWithinItsLine()
    {
        var lines = Read([0xFF, 0xFE, (byte)'a', (byte)'\n', 0xC3, (byte)'\n', 0xE2, 0x82, (byte)'\n', 0xC3, 0xA9]);
        Assert.Equal(4, lines.Count);
        Assert.Equal("\uFFFD\uFFFDa", lines[0]);
        Assert.Equal("\uFFFD", lines[1]);
        Assert.Equal("é", lines[3]);
    }

    [Fact]
    public void LinesLongerThanTheBufferAndManyLines()
    {
        string big = new('z', 200_000);
        var sb = new StringBuilder();
        for (int i = 0; i < 50_000; i++) sb.Append(i).Append('\n');
        sb.Append(big).Append('\n').Append("é");
        var lines = Read(Encoding.UTF8.GetBytes(sb.ToString()));
        Assert.Equal(50_002, lines.Count);
        Assert.Equal("49999", lines[49_999]);
        Assert.Equal(big, lines[50_000]);
        Assert.Equal("é", lines[^1]);
    }
}
