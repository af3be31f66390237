using Seq2Seq.Config;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Training;

/// <summary>Early stopping: training ends after <c>early_stopping_patience</c> validations in a row without a new best score (0: never).</summary>
public static class EarlyStopping
{
    /// <summary>The state after a validation that <paramref name="improved"/> on the best score or did not: its <see cref="TrainingState.NoImprovementCount"/>.</summary>
    public static TrainingState AfterValidation(TrainingState state, bool improved) =>
        state with { NoImprovementCount = improved ? 0 : state.NoImprovementCount + 1 };

    /// <summary>Why training stops now, or null when it goes on.</summary>
    public static string? StopReason(TrainingState state, TrainingConfig training) =>
        training.EarlyStoppingPatience > 0 && state.NoImprovementCount >= training.EarlyStoppingPatience
            ? $"early stopping: no improvement in {training.EarlyStoppingPatience} validations"
            : null;
}
