using Seq2Seq.Config;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Training;

/// <summary>
/// The learning rate of every step: under <c>plateau</c> the rate the plateau schedule has reached
/// (<see cref="PlateauSchedule"/>); under <c>linear</c> and <c>cosine</c> <c>learning_rate</c> until <c>decay_start</c>
/// of the training budget is used, then a fall to <c>min_lr</c> at its end; under any of them times a linear warm-up
/// from zero over the first <c>warmup_steps</c> steps. The rate depends only on the step, the position in the epoch and
/// the elapsed time, so a resumed run continues the same curve.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// The share of the training budget used, in [0, 1]: the largest of the shares of <c>max_steps</c>,
    /// <c>epochs</c> and <c>max_minutes</c> used (the first limit reached ends training) after <paramref name="batch"/>
    /// of the epoch's <paramref name="batches"/> batches.
    /// </summary>
    public static double BudgetUsed(TrainingConfig t, TrainingState state, int batch, int batches, double elapsedSeconds)
    {
        double used = 0;
        if (t.MaxSteps > 0) used = Math.Max(used, (double)state.Step / t.MaxSteps);
        if (t.Epochs > 0) used = Math.Max(used, (state.Epoch - 1 + (double)batch / Math.Max(1, batches)) / t.Epochs);
        if (t.MaxMinutes > 0) used = Math.Max(used, elapsedSeconds / (t.MaxMinutes * 60));
        return Math.Min(1, used);
    }

    /// <summary>
    /// The rate of the step after <paramref name="state"/>'s (whose <see cref="TrainingState.LearningRate"/> is the
    /// plateau schedule's rate), with <paramref name="budgetUsed"/> of the budget used.
    /// </summary>
    public static double Rate(TrainingConfig t, TrainingState state, double budgetUsed)
    {
        double span = t.LearningRate - t.MinLr;
        double fall = Math.Max(0, (budgetUsed - t.DecayStart) / (1 - t.DecayStart)); // share of the decay done, in [0, 1]
        double rate = t.Scheduling switch
        {
            SchedulingType.Linear => t.MinLr + span * (1 - fall),
            SchedulingType.Cosine => t.MinLr + span * 0.5 * (1 + Math.Cos(Math.PI * fall)),
            _ => state.LearningRate,
        };
        int step = state.Step + 1;                                              // the step about to be taken
        return step < t.WarmupSteps ? rate * step / t.WarmupSteps : rate;
    }
}
