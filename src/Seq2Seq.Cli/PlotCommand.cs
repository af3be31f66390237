using System.CommandLine;
using Seq2Seq.Observability;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq plot DIR [DIR ...] [--output FILE.svg|.png] [--x steps|minutes]</c>: dev BLEU and training and dev
/// losses of one or several runs, from their <c>metrics.tsv</c>, in one picture.
/// </summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("model-dirs") { Description = "model directories of the runs to draw", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output") { Description = "the picture: .svg or .png", DefaultValueFactory = _ => "curves.svg" };
        var x = new Option<string>("--x") { Description = "horizontal axis: steps or minutes", DefaultValueFactory = _ => "steps" };
        x.AcceptOnlyFromAmong("steps", "minutes");
        var command = new Command("plot", "draw the training curves of one or several runs") { dirs, output, x };
        command.SetAction(parse =>
        {
            string outPath = FileArgument.NotAFolder(parse.GetValue(output)!);
            var runs = parse.GetValue(dirs)!.Select(RunMetrics.Read).ToList();
            CurvesPlot.Save(runs, outPath, parse.GetValue(x) == "minutes" ? CurvesAxis.Minutes : CurvesAxis.Steps);
            Console.Error.WriteLine($"wrote {outPath} ({runs.Count} run{(runs.Count == 1 ? "" : "s")}: {string.Join(", ", runs.Select(r => $"{r.Name} {r.Rows.Count} validations"))})");
            return 0;
        });
        return command;
    }
}
