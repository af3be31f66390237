using ScottPlot;
using SkiaSharp;

namespace Seq2Seq.Observability;

/// <summary>
/// Draws training curves of one or several runs with ScottPlot: dev BLEU above, training loss (thin, pale) and dev
/// loss (with markers) below, one colour per run, named in the legends. SVG or PNG by the output file's extension.
/// No line is dashed: Skia's SVG canvas cannot draw dashes and says so on the console.
/// </summary>
public static class CurvesPlot
{
    /// <summary>Width of the picture in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the picture in pixels (two panels).</summary>
    public const int Height = 700;

    /// <summary>Writes the curves of <paramref name="runs"/> to <paramref name="output"/> (<c>.svg</c> or <c>.png</c>), atomically.</summary>
    /// <exception cref="UserErrorException">The extension is neither, or the file cannot be written.</exception>
    public static void Save(IReadOnlyList<RunMetrics> runs, string output, CurvesAxis x = CurvesAxis.Steps)
    {
        string ext = Path.GetExtension(output).ToLowerInvariant();
        if (ext is not (".svg" or ".png")) throw new UserErrorException($"{output}: the picture must be a .svg or a .png file");
        var (bleu, loss) = Panels(runs, x);
        var top = new PixelRect(0, Width, Height / 2, 0);
        var bottom = new PixelRect(0, Width, Height, Height / 2);
        // Drawn into memory first: an exception thrown while the graphics library's native code writes (a full disk)
        // cannot travel back through it and would end the process.
        using var picture = new MemoryStream();
        if (ext == ".svg")
        {
            using (var skStream = new SKManagedWStream(picture))
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), skStream))
            {
                Draw(canvas, bleu, top);
                Draw(canvas, loss, bottom);
            }
        }
        else
        {
            using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
            Draw(surface.Canvas, bleu, top);
            Draw(surface.Canvas, loss, bottom);
            using var image = surface.Snapshot();
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            png.SaveTo(picture);
        }
        try
        {
            AtomicFile.Write(output, stream => picture.WriteTo(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{output}: cannot write ({e.Message})", e);
        }
    }

    /// <summary>Renders one panel inside its rectangle only (a plot clears the canvas's clip area before it draws).</summary>
    private static void Draw(SKCanvas canvas, Plot plot, PixelRect rect)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom));
        plot.Render(canvas, rect);
        canvas.Restore();
    }

    private static (Plot Bleu, Plot Loss) Panels(IReadOnlyList<RunMetrics> runs, CurvesAxis x)
    {
        var bleu = new Plot();
        var loss = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int r = 0; r < runs.Count; r++)
        {
            var rows = runs[r].Rows;
            var color = palette.GetColor(r);
            double[] xs = [.. rows.Select(row => x == CurvesAxis.Steps ? row.Step : row.Minutes)];
            Line(bleu, xs, [.. rows.Select(row => row.DevBleu)], color, runs[r].Name, training: false);
            Line(loss, xs, [.. rows.Select(row => row.DevLoss)], color, $"{runs[r].Name} dev", training: false);
            Line(loss, xs, [.. rows.Select(row => row.TrainLoss)], color, $"{runs[r].Name} train", training: true);
        }
        string xLabel = x == CurvesAxis.Steps ? "step" : "minutes of training";
        bleu.Title("dev BLEU");
        bleu.XLabel(xLabel);
        bleu.YLabel("BLEU");
        loss.Title("loss per target token");
        loss.XLabel(xLabel);
        loss.YLabel("loss");
        foreach (var p in new[] { bleu, loss })
        {
            p.ShowLegend(Alignment.UpperLeft);
            p.Legend.FontSize = 11;
        }
        loss.Legend.Alignment = Alignment.UpperRight;
        return (bleu, loss);
    }

    /// <summary>Adds the finite points of one series (a column a run's file lacks draws nothing).</summary>
    private static void Line(Plot plot, double[] xs, double[] ys, Color color, string label, bool training)
    {
        var keep = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(xs[i]) && double.IsFinite(ys[i])).ToArray();
        if (keep.Length == 0) return;
        var line = plot.Add.Scatter(keep.Select(i => xs[i]).ToArray(), keep.Select(i => ys[i]).ToArray(), training ? color.Lighten(0.45) : color);
        line.LegendText = label;
        line.LineWidth = training ? 1.5f : 2;
        line.MarkerSize = training && keep.Length > 1 ? 0 : 5;
    }
}
