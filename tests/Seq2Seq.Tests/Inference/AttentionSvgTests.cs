using System.Globalization;
using System.Xml;
using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Inference;

/// <summary><c>translate --attention-svg</c> and <see cref="AttentionSvg"/>, on the tiny model.</summary>
[Collection(TorchCollection.Name)]
public class AttentionSvgTests(AnsweringModelFixture fixture) : IClassFixture<AnsweringModelFixture>
{
    private const string SvgNamespace = "http://www.w3.org/2000/svg";

    private static XmlDocument Parse(string path)
    {
        var doc = new XmlDocument();
        doc.Load(path);                                                       // throws unless well-formed
        Assert.Equal("svg", doc.DocumentElement!.LocalName);
        Assert.Equal(SvgNamespace, doc.DocumentElement.NamespaceURI);
        return doc;
    }

    private static List<XmlElement> Elements(XmlDocument doc, string name, string cls) =>
        [.. doc.GetElementsByTagName(name, SvgNamespace).Cast<XmlElement>().Where(e => e.GetAttribute("class") == cls)];

    private static int Int(XmlElement e, string attribute) => int.Parse(e.GetAttribute(attribute), CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]   // beam search: the picture shows the chosen hypothesis's weights
    public void EachSentenceGetsAPictureWithOneCellPerTargetSourcePairCarryingTheModelsWeight(int beam)
    {
        string[] sentences = ["chat rouge", "grand arbre vert lune", "", "mer"];
        string dir = Path.Combine(TestPaths.NewTempDir(), "svg");
        var (code, output, err) = ChatTests.Run(string.Join("\n", sentences) + "\n",
            "translate", "--model", fixture.ModelDir, "--beam", beam.ToString(CultureInfo.InvariantCulture), "--attention-svg", dir);
        Assert.True(code == 0, err);
        var expected = fixture.Translator.Translate(sentences,
            fixture.Translator.DefaultOptions with { BeamSize = beam, KeepAttention = true });
        Assert.Equal(string.Concat(expected.Select(t => t.Text + "\n")), output);
        Assert.Equal(["0001.svg", "0002.svg", "0003.svg", "0004.svg"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());

        for (int i = 0; i < sentences.Length; i++)
        {
            var doc = Parse(Path.Combine(dir, $"{i + 1:D4}.svg"));
            var t = expected[i];
            string[] source = t.SourceTokens.Count == 0 ? [] : [.. t.SourceTokens, "</s>"];
            string[] target = t.Attention!.Length > t.Tokens.Count ? [.. t.Tokens, "</s>"] : [.. t.Tokens];
            Assert.Contains($"Sentence {i + 1}", Elements(doc, "text", "title").Single().InnerText);
            Assert.Equal(source, Elements(doc, "text", "source").OrderBy(e => Int(e, "data-index")).Select(e => e.InnerText));
            Assert.Equal(target, Elements(doc, "text", "target").OrderBy(e => Int(e, "data-index")).Select(e => e.InnerText));

            var cells = Elements(doc, "rect", "cell");
            Assert.Equal(source.Length * target.Length, cells.Count);
            var pairs = cells.Select(c => (Int(c, "data-target"), Int(c, "data-source"))).ToHashSet();
            Assert.Equal(cells.Count, pairs.Count);                           // exactly one cell per pair
            foreach (var cell in cells)
            {
                int row = Int(cell, "data-target"), col = Int(cell, "data-source");
                Assert.InRange(row, 0, target.Length - 1);
                Assert.InRange(col, 0, source.Length - 1);
                float weight = float.Parse(cell.GetAttribute("data-weight"), CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(weight - t.Attention[row][col]) < 1e-5,
                    $"sentence {i + 1} cell ({row}, {col}): {weight} in the picture, {t.Attention[row][col]} from the model");
                int level = Convert.ToInt32(cell.GetAttribute("fill")[1..3], 16);  // white 255 .. black 0
                Assert.Equal((int)MathF.Round(255 * (1 - weight)), level);
            }
            if (i != 2)
            {
                Assert.NotEmpty(cells);
                Assert.Contains(cells, c => float.Parse(c.GetAttribute("data-weight"), CultureInfo.InvariantCulture) > 0.2f);
            }
        }
        Assert.Empty(Elements(Parse(Path.Combine(dir, "0003.svg")), "rect", "cell")); // the empty line: no pairs
    }

    [Fact]
    public void RenderKeepsTheExactWeightsAndEscapesAnyToken()
    {
        float[][] weights = [[0.1f, 0.7f, 0.2f], [1f / 3, 1f / 3, 1f / 3], [0f, 0f, 1f]];
        var translation = new Translation("x", -1, ["<b>&", "\"q'\u0001"], ["▁a&b", "]]>"], weights);
        string svg = AttentionSvg.Render(translation, "Sentence 7 <&>");
        var doc = new XmlDocument();
        doc.LoadXml(svg);
        Assert.Equal(["▁a&b", "]]>", "</s>"], Elements(doc, "text", "source").Select(e => e.InnerText));
        Assert.Equal(["<b>&", "\"q'\\u0001", "</s>"], Elements(doc, "text", "target").Select(e => e.InnerText));
        Assert.Equal("Sentence 7 <&>", Elements(doc, "text", "title").Single().InnerText);
        var cells = Elements(doc, "rect", "cell");
        Assert.Equal(9, cells.Count);
        foreach (var c in cells)
            Assert.Equal(weights[Int(c, "data-target")][Int(c, "data-source")], float.Parse(c.GetAttribute("data-weight"), CultureInfo.InvariantCulture));
        Assert.Equal("#000000", cells.Single(c => Int(c, "data-target") == 2 && Int(c, "data-source") == 2).GetAttribute("fill"));
        Assert.Equal("#ffffff", cells.Single(c => Int(c, "data-target") == 2 && Int(c, "data-source") == 0).GetAttribute("fill"));
    }

    [Fact]
    public void ATranslationWithoutAttentionWeightsIsRefusedWithOneLine()
    {
        var translation = new Translation("red cat", -1, ["▁red", "▁cat"], ["▁chat", "▁rouge"], null);
        var e = Assert.Throws<UserErrorException>(() => AttentionSvg.Render(translation, "Sentence 1"));
        Assert.Contains("no attention weights", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        string path = Path.Combine(TestPaths.NewTempDir(), "0001.svg");
        Assert.Throws<UserErrorException>(() => AttentionSvg.Write(path, translation, "Sentence 1"));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AnSvgDirectoryThatCannotBeCreatedIsAOneLineError()
    {
        string file = Path.Combine(TestPaths.NewTempDir(), "plain-file");
        File.WriteAllText(file, "not a directory");
        var line = Robustness.Cli.AssertUserError(ChatTests.Run("chat\n", "translate", "--model", fixture.ModelDir, "--attention-svg", Path.Combine(file, "svg")));
        Assert.Contains("--attention-svg", line);
    }
}
