using Seq2Seq.Evaluation;

namespace Seq2Seq.Tests.Evaluation;

/// <summary>13a and intl on tricky inputs; expected strings are sacrebleu 2.6.0's outputs.</summary>
public class TokenizerTests
{
    [Theory]
    [InlineData("Il a dit : « Bonjour ! »", "Il a dit : « Bonjour ! »")]
    [InlineData("Il a dit\u00a0: «\u202fBonjour\u202f!\u202f»", "Il a dit : « Bonjour ! »")]
    [InlineData("l’homme d'affaires est arrivé-là", "l’homme d'affaires est arrivé-là")]
    [InlineData("AT&amp;T &lt;b&gt; &quot;x&quot; &amp;lt; &amp;quot; &#39; &apos;", "AT & T < b > \" x \" < & quot ; & # 39 ; & apos ;")]
    [InlineData("Prix : 1,000.50 $ ou 1 000,50 € (-5%) en 2019.", "Prix : 1,000.50 $ ou 1 000,50 € ( -5 % ) en 2019 .")]
    [InlineData("3-4 ans, 10-year-old, state-of-the-art", "3 - 4 ans , 10 - year-old , state-of-the-art")]
    [InlineData("Wait... what?! (really) [yes] {no} x/y a+b", "Wait . . . what ? ! ( really ) [ yes ] { no } x / y a + b")]
    [InlineData("emoji 👍🏽 and ♥ and √2 ≈ 1.41 — ok – fine", "emoji 👍🏽 and ♥ and √2 ≈ 1.41 — ok – fine")]
    [InlineData("«Bonjour» — dit-il… « Salut ».", "«Bonjour» — dit-il… « Salut » .")]
    [InlineData("www.example.com/path?a=1&b=2 user@mail.fr #tag @handle", "www . example . com / path ? a = 1 & b = 2 user @ mail . fr # tag @ handle")]
    [InlineData("in 2019. And (0)1 here", "in 2019 . And ( 0 ) 1 here")]
    [InlineData("<skipped> text", "text")]
    [InlineData("tab\there  and\u3000wide\u200bzero", "tab here and wide\u200bzero")]
    public void Tokenize13a(string input, string expected) => Assert.Equal(expected, BleuTokenizers.Tokenize13a(input));

    [Theory]
    [InlineData("Il a dit\u00a0: «\u202fBonjour\u202f!\u202f»", "Il a dit : « Bonjour ! »")]
    [InlineData("l’homme d'affaires est arrivé-là", "l ’ homme d ' affaires est arrivé - là")]
    [InlineData("AT&amp;T &lt;b&gt; &quot;x&quot; &amp;lt; &amp;quot; &#39; &apos;", "AT & amp ; T & lt ; b & gt ; & quot ; x & quot ; & amp ; lt ; & amp ; quot ; & #39 ; & apos ;")]
    [InlineData("Prix : 1,000.50 $ ou 1 000,50 € (-5%) en 2019.", "Prix : 1,000.50 $ ou 1 000,50 € ( -5 % ) en 2019.")]
    [InlineData("3-4 ans, 10-year-old, state-of-the-art", "3-4 ans , 10 - year - old , state - of - the - art")]
    [InlineData("Wait... what?! (really) [yes] {no} x/y a+b", "Wait . . . what ? ! ( really ) [ yes ] { no } x / y a + b")]
    [InlineData("emoji 👍🏽 and ♥ and √2 ≈ 1.41 — ok – fine", "emoji 👍 🏽 and ♥ and √ 2 ≈ 1.41 — ok – fine")]
    [InlineData("«Bonjour» — dit-il… « Salut ».", "« Bonjour » — dit - il … « Salut » .")]
    [InlineData("in 2019. And (0)1 here", "in 2019 . And ( 0)1 here")]
    [InlineData("<skipped> text", "< skipped > text")]
    [InlineData("tab\there  and\u3000wide\u200bzero", "tab here and wide\u200bzero")]
    public void TokenizeIntl(string input, string expected) => Assert.Equal(expected, BleuTokenizers.TokenizeIntl(input));

    [Fact]
    public void CharSeparatesEveryCharacterNoneKeepsTheLineAndAnUnknownNameThrows()
    {
        Assert.Equal("a   b 👍 c", BleuTokenizers.TokenizeChar("a b👍c"));
        Assert.Equal(" keep  as is", BleuTokenizers.TokenizeNone(" keep  as is"));
        Assert.Throws<ArgumentException>(() => BleuTokenizers.Get("moses"));
    }

    [Fact]
    public void LowerRStripAndSplitFollowPythonsUnicodeRules()
    {
        Assert.Equal("οδυσσευς i\u0307stanbul σα σ.", PyText.Lower("ΟΔΥΣΣΕΥΣ İstanbul ΣΑ Σ."));
        Assert.Equal("ab", PyText.RStrip("ab \t\u00a0\u3000"));
        Assert.Equal("ab\u200b", PyText.RStrip("ab\u200b"));
        Assert.Equal(["a", "b", "c"], PyText.Split("a\u001fb\u202fc "));
    }

    [Theory]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(40.25, 1, "40.2")]
    [InlineData(2.675, 2, "2.67")]
    [InlineData(0.0005, 3, "0.001")]
    [InlineData(100.00000000000004, 2, "100.00")]
    [InlineData(0.0, 3, "0.000")]
    public void FormatLikePython(double x, int decimals, string expected) => Assert.Equal(expected, PyText.FormatFixed(x, decimals));

    [Fact]
    public void ResamplingIndicesMatchNumpy()
    {
        // np.random.default_rng(12345).choice(1014, size=(2, 8)) and default_rng(0).choice(7, size=10)
        var rng = new NumpyRandom(12345);
        int[] expected = [709, 230, 799, 321, 207, 808, 651, 685, 1002, 396, 851, 337, 575, 606, 216, 189];
        Assert.Equal(expected, expected.Select(_ => rng.NextIndex(1014)).ToArray());
        var rng0 = new NumpyRandom(0);
        int[] expected0 = [5, 4, 3, 1, 2, 0, 0, 0, 1, 5];
        Assert.Equal(expected0, expected0.Select(_ => rng0.NextIndex(7)).ToArray());
    }
}
