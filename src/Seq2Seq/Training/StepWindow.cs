using System.Diagnostics;
using Seq2Seq.Config;

namespace Seq2Seq.Training;

/// <summary>Loss, speed and phase times of the steps since the last report.</summary>
internal sealed class StepWindow
{
    private double lossSum;
    private long tokens;
    private long sentences;
    private readonly long[] phaseTicks = new long[4];   // data, forward, backward, optimizer
    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <summary>Adds a step that was taken.</summary>
    public void Add(StepResult step)
    {
        lossSum += step.Loss;
        tokens += step.Tokens;
        sentences += step.Sentences;
        phaseTicks[0] += step.DataTicks;
        phaseTicks[1] += step.ForwardTicks;
        phaseTicks[2] += step.BackwardTicks;
        phaseTicks[3] += step.OptimizerTicks;
    }

    /// <summary>The report of the window, at batch <paramref name="batch"/> of <paramref name="batches"/>; starts a new window.</summary>
    public StepReport Report(RunState run, int batch, int batches, TrainingConfig t)
    {
        double seconds = Math.Max(1e-9, clock.Elapsed.TotalSeconds);
        var s = run.State;
        double fraction = LearningRateSchedule.BudgetUsed(t, s, batch, batches, run.ElapsedSeconds);
        TimeSpan? eta = fraction > 0 ? TimeSpan.FromSeconds(run.ElapsedSeconds * (1 - fraction) / fraction) : null;
        var report = new StepReport(s.Epoch, s.Step, batch, batches, tokens > 0 ? lossSum / tokens : double.NaN,
            tokens / seconds, sentences / seconds, run.LearningRate, TimeSpan.FromSeconds(run.ElapsedSeconds), eta,
            new PhaseTimes(Seconds(phaseTicks[0]), Seconds(phaseTicks[1]), Seconds(phaseTicks[2]), Seconds(phaseTicks[3])));
        lossSum = 0;
        tokens = 0;
        sentences = 0;
        Array.Clear(phaseTicks);
        clock.Restart();
        return report;
    }

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
