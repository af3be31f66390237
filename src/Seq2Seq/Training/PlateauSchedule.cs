using Seq2Seq.Config;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Training;

/// <summary>
/// The learning-rate schedule: after <c>patience</c> validations in a row without a new best score, the rate is
/// multiplied by <c>decrease_factor</c>, never below <c>min_lr</c>, and the count starts again.
/// </summary>
public static class PlateauSchedule
{
    /// <summary>
    /// The state after a validation that <paramref name="improved"/> on the best score or did not: its
    /// <see cref="TrainingState.PlateauCount"/> and <see cref="TrainingState.LearningRate"/>; Decreased tells whether
    /// the rate was lowered at this validation.
    /// </summary>
    public static (TrainingState State, bool Decreased) AfterValidation(TrainingState state, bool improved, TrainingConfig training)
    {
        if (improved) return (state with { PlateauCount = 0 }, false);
        var s = state with { PlateauCount = state.PlateauCount + 1 };
        if (s.PlateauCount < training.Patience || s.LearningRate <= training.MinLr) return (s, false);
        double lr = Math.Max(s.LearningRate * training.DecreaseFactor, training.MinLr);
        return (s with { PlateauCount = 0, LearningRate = lr }, true);
    }
}
