using Seq2Seq.Classification;
using Seq2Seq.Training;

namespace Seq2Seq.Cli;

/// <summary>
/// Shows training as a person can follow it: on a terminal, one live status line (epoch, step, loss,
/// tokens/s, learning rate, ETA) redrawn in place, and a table row at each validation; when redirected,
/// plain lines.
/// </summary>
internal sealed class TrainingDisplay(TextWriter output) : IProgress<TrainingEvent>
{
    private readonly bool live = output == Console.Error ? !Console.IsErrorRedirected : false;
    private bool lineOpen;
    private bool tableHeader;

    public void Report(TrainingEvent value)
    {
        switch (value)
        {
            case StepReport s:
                string line = $"epoch {s.Epoch} | step {s.Step} | batch {s.BatchInEpoch}/{s.BatchesInEpoch} | loss {s.Loss:F4} | " +
                    $"{s.TargetTokensPerSecond:F0} tok/s | lr {s.LearningRate:G3} | {Clock(s.Elapsed)}" +
                    (s.Eta is TimeSpan eta ? $" | ETA {Clock(eta)}" : "");
                if (live)
                {
                    int width = Math.Max(40, SafeWidth() - 1);
                    output.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
                    lineOpen = true;
                }
                else
                {
                    output.WriteLine(line);
                }
                break;
            case ValidationReport v:
                CloseLine();
                if (!tableHeader)
                {
                    output.WriteLine("  step | epoch | dev loss |    ppl | dev BLEU |  chrF |       lr | secs");
                    tableHeader = true;
                }
                output.WriteLine($"{v.Step,6} | {v.Epoch,5} | {v.Loss,8:F4} | {v.Perplexity,6:F2} | {v.Bleu,8:F2} | {v.Chrf,5:F1} | {v.LearningRate,8:G3} | {v.Seconds,4:F0}{(v.IsBest ? "  *best*" : "")}");
                break;
            case ClassificationValidationReport c:
                CloseLine();
                if (!tableHeader)
                {
                    output.WriteLine("  step | epoch | dev loss | accuracy | macro-F1 |       lr | secs");
                    tableHeader = true;
                }
                output.WriteLine($"{c.Step,6} | {c.Epoch,5} | {c.Loss,8:F4} | {100 * c.Accuracy,7:F2}% | {100 * c.MacroF1,8:F2} | {c.LearningRate,8:G3} | {c.Seconds,4:F0}{(c.IsBest ? "  *best*" : "")}");
                break;
            case DataReport d:
                CloseLine();
                output.WriteLine(d.ToString());
                output.WriteLine(d.UnknownShares());
                break;
            case TrainingNotice n:
                CloseLine();
                output.WriteLine(n.IsWarning ? $"warning: {n.Message}" : n.Message);
                break;
        }
    }

    public void Finish(TrainingResult result) => CloseLine();

    private void CloseLine()
    {
        if (!lineOpen) return;
        output.WriteLine();
        lineOpen = false;
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
