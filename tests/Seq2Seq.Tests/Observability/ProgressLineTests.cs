using Seq2Seq.Cli;

namespace Seq2Seq.Tests.Observability;

/// <summary>
/// The progress line of long commands: on a terminal it redraws one line in place and ends it with a final line;
/// not live (stderr redirected) it writes nothing; an unfinished line is wiped so an error message starts clean.
/// </summary>
public class ProgressLineTests
{
    [Fact]
    public void TheTextSaysDoneOfTotalSpeedAndTimeLeft()
    {
        Assert.Equal("translating: 250/1000 sentences | 50.0 sentences/s | ETA 0m15s", ProgressLine.Text("translating", 250, 1000, 5, final: false));
        Assert.Equal("translating: 0/1000 sentences", ProgressLine.Text("translating", 0, 1000, 0.1, final: false));
        Assert.Equal("translating: 40 sentences | 20.0 sentences/s", ProgressLine.Text("translating", 40, null, 2, final: false));
        Assert.Equal("translating test: 1000/1000 sentences in 1m40s | 10.0 sentences/s", ProgressLine.Text("translating test", 1000, 1000, 100, final: true));
    }

    [Fact]
    public void ALiveLineRedrawsInPlaceAndEndsWithAFinalLine()
    {
        var output = new StringWriter();
        using (var line = new ProgressLine(output, "translating", 10, live: true))
        {
            line.Report(4);
            line.Redraw();
            line.Report(6);
            line.Finish();
        }
        string text = output.ToString();
        Assert.StartsWith("\rtranslating: 0/10 sentences", text);             // drawn at once
        Assert.Contains("\rtranslating: 4/10 sentences", text);
        string last = text[(text.LastIndexOf('\r') + 1)..];
        Assert.StartsWith("translating: 10/10 sentences in 0m0", last);
        Assert.Matches(@" sentences/s *\n$", last);                           // padded over the longer text before it
        Assert.Single(text.Split('\n'), l => l.Length > 0);                  // one line, redrawn with carriage returns
    }

    [Fact]
    public void ALineThatIsNotLiveWritesNothing()
    {
        var output = new StringWriter();
        using (var line = new ProgressLine(output, "translating", 10, live: false))
        {
            line.Report(10);
            line.Redraw();
            line.Finish();
        }
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void AnUnfinishedLineIsWiped()
    {
        var output = new StringWriter();
        using (var line = new ProgressLine(output, "translating", 10, live: true))
        {
            line.Report(3);
            line.Redraw();
        }
        string text = output.ToString();
        Assert.Contains("3/10", text);
        Assert.EndsWith("\r", text);
        Assert.Equal("", text[(text.LastIndexOf('\r', text.Length - 2) + 1)..].Trim());   // spaces over the last text
        Assert.DoesNotContain("\n", text);
    }

    [Fact]
    public void LinesAreCountedAsTheTranslationReadsThem()
    {
        string dir = TestPaths.NewTempDir();
        string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b"), c = Path.Combine(dir, "c");
        File.WriteAllText(a, "one\ntwo\n\nfour\n");
        File.WriteAllText(b, "one\ntwo");                                     // no line feed after the last line
        File.WriteAllText(c, "");
        Assert.Equal((4L, 2L, 0L), (ProgressLine.CountLines(a), ProgressLine.CountLines(b), ProgressLine.CountLines(c)));
    }
}
