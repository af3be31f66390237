using Seq2Seq.Observability;
using SkiaSharp;

namespace Seq2Seq.Tests.Observability;

/// <summary>
/// <c>seq2seq plot</c> and <see cref="CurvesPlot"/> draw one or several runs' <c>metrics.tsv</c> as SVG or PNG: every
/// run is named and drawn in its own colour, axes are labelled, and a file written before the newer columns existed
/// still draws.
/// </summary>
public class CurvesTests
{
    private static readonly SKColor Blue = SKColor.Parse("#1f77b4"), Orange = SKColor.Parse("#ff7f0e");   // the first two run colours

    /// <summary>A model directory named <paramref name="name"/> holding a metrics.tsv of four validations.</summary>
    private static string Run(string root, string name, double bleuGain, bool oldColumns = false)
    {
        string dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        var lines = new List<string> { oldColumns ? "step\tepoch\tlearning_rate\tdev_loss\tdev_ppl\tdev_bleu\tbest"
            : "step\tepoch\tlearning_rate\tdev_loss\tdev_ppl\tdev_bleu\tbest\tdev_chrf\ttrain_loss\tminutes" };
        for (int k = 1; k <= 4; k++)
        {
            string row = $"{k * 100}\t{k}\t0.001\t{3.0 / k:F5}\t{Math.Exp(3.0 / k):F3}\t{bleuGain * k:F2}\t*";
            lines.Add(oldColumns ? row : row + $"\t{bleuGain * k + 10:F2}\t{3.5 / k:F5}\t{1.5 * k:F3}");
        }
        File.WriteAllLines(Path.Combine(dir, "metrics.tsv"), lines);
        return dir;
    }

    private static int Pixels(SKBitmap bitmap, SKColor color)
    {
        int n = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
                if (bitmap.GetPixel(x, y) == color) n++;
        return n;
    }

    [Fact]
    public void MetricsAreReadByColumnNameAndOldFilesLackOnlyTheNewColumns()
    {
        string root = TestPaths.NewTempDir();
        var run = RunMetrics.Read(Run(root, "gru", 5));
        Assert.Equal("gru", run.Name);
        Assert.Equal(new RunMetrics.Row(200, 3.0, 1.75, 1.5, 10, 20), run.Rows[1]);
        var old = RunMetrics.Read(Run(root, "old", 5, oldColumns: true));
        Assert.Equal(4, old.Rows.Count);
        Assert.True(double.IsNaN(old.Rows[0].TrainLoss) && double.IsNaN(old.Rows[0].Minutes));
        Assert.Equal(1.5, old.Rows[1].DevLoss);
        var e = Assert.Throws<UserErrorException>(() => RunMetrics.Read(root));
        Assert.Contains("metrics.tsv: no such file", e.Message);
    }

    [Fact]
    public void OneAndTwoRunsDrawAsSvgAndPng()
    {
        string root = TestPaths.NewTempDir();
        var gru = RunMetrics.Read(Run(root, "gru", 5));
        var lstm = RunMetrics.Read(Run(root, "lstm", 7));

        string oneSvg = Path.Combine(root, "one.svg"), twoSvg = Path.Combine(root, "two.svg");
        CurvesPlot.Save([gru], oneSvg);
        CurvesPlot.Save([gru, lstm], twoSvg, CurvesAxis.Minutes);
        string one = File.ReadAllText(oneSvg), two = File.ReadAllText(twoSvg);
        Assert.StartsWith("<?xml", one);
        foreach (var label in new[] { "dev BLEU", "BLEU", "loss", "step", "gru", "gru dev", "gru train" }) Assert.Contains($"{label}\n", one);
        Assert.DoesNotContain("lstm", one);
        foreach (var label in new[] { "minutes of training", "gru", "lstm", "lstm dev", "lstm train" }) Assert.Contains($"{label}\n", two);

        string onePng = Path.Combine(root, "one.png"), twoPng = Path.Combine(root, "two.png");
        CurvesPlot.Save([gru], onePng);
        CurvesPlot.Save([gru, lstm], twoPng);
        using var a = SKBitmap.Decode(onePng);
        using var b = SKBitmap.Decode(twoPng);
        Assert.Equal((CurvesPlot.Width, CurvesPlot.Height), (a.Width, a.Height));
        Assert.True(Pixels(a, Blue) > 500, "the one run's lines");
        Assert.Equal(0, Pixels(a, Orange));
        Assert.True(Pixels(b, Blue) > 500 && Pixels(b, Orange) > 500, "both runs' lines");
    }

    [Fact]
    public void ThePlotCommandWritesThePictureAndRefusesWhatItCannotDraw()
    {
        string root = TestPaths.NewTempDir();
        string gru = Run(root, "gru", 5), lstm = Run(root, "lstm", 7, oldColumns: true);
        var (code, output, err) = Robustness.Cli.Run(root, "plot", gru, lstm, "--output", "runs.png", "--x", "minutes");
        Assert.True(code == 0, err);
        Assert.Equal("", output);
        Assert.Equal("wrote runs.png (2 runs: gru 4 validations, lstm 4 validations)\n", err);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(root, "runs.png"))[..4]);
        // The SVG route prints nothing either (the graphics library complains on stdout about what SVG cannot draw).
        var (svgCode, svgOut, svgErr) = Robustness.Cli.Run(root, "plot", gru, lstm);
        Assert.True(svgCode == 0, svgErr);
        Assert.Equal(("", "wrote curves.svg (2 runs: gru 4 validations, lstm 4 validations)\n"), (svgOut, svgErr));

        Assert.Contains("must be a .svg or a .png", Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "plot", gru, "--output", "runs.pdf")));
        Assert.Contains("no such file", Robustness.Cli.AssertUserError(Robustness.Cli.Run(root, "plot", gru, Path.Combine(root, "missing"))));
    }
}
