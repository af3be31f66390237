using Seq2Seq.Config;
using Seq2Seq.ModelStore;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Training;

/// <summary>The plateau learning-rate schedule, early stopping and the best-score rule, as functions of the training state.</summary>
public class ScheduleTests
{
    private static readonly TrainingConfig Rules = new() { Patience = 2, DecreaseFactor = 0.5, MinLr = 0.3, EarlyStoppingPatience = 3, EvalMetric = EvalMetric.Bleu };

    [Fact]
    public void PlateauScheduleHalvesTheRateAfterPatienceValidationsWithoutImprovementAndNeverGoesBelowMinLr()
    {
        var s = new TrainingState { LearningRate = 1.0 };
        var seen = new List<(int Count, double Lr, bool Decreased)>();
        foreach (bool improved in new[] { false, false, false, true, false, false, false, false, false, false })
        {
            (s, bool decreased) = PlateauSchedule.AfterValidation(s, improved, Rules);
            seen.Add((s.PlateauCount, s.LearningRate, decreased));
        }
        Assert.Equal(
        [
            (1, 1.0, false), (0, 0.5, true),                      // two without improvement: 1.0 -> 0.5
            (1, 0.5, false), (0, 0.5, false),                     // an improvement starts the count again
            (1, 0.5, false), (0, 0.3, true),                      // 0.5 * 0.5 = 0.25 is held at min_lr 0.3
            (1, 0.3, false), (2, 0.3, false), (3, 0.3, false), (4, 0.3, false), // at min_lr: the count only grows
        ], seen);
    }

    [Fact]
    public void PlateauScheduleLeavesTheOtherFieldsAlone()
    {
        var s = new TrainingState { Step = 40, LearningRate = 1.0, PlateauCount = 1, NoImprovementCount = 7, BestScore = 3, BestStep = 20 };
        var (next, decreased) = PlateauSchedule.AfterValidation(s, improved: false, Rules);
        Assert.True(decreased);
        Assert.Equal(s with { PlateauCount = 0, LearningRate = 0.5 }, next);
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceValidationsInARowWithoutImprovement()
    {
        var s = new TrainingState();
        var reasons = new List<string?>();
        foreach (bool improved in new[] { false, false, true, false, false, false })
        {
            s = EarlyStopping.AfterValidation(s, improved);
            reasons.Add(EarlyStopping.StopReason(s, Rules));
        }
        Assert.Equal([null, null, null, null, null, "early stopping: no improvement in 3 validations"], reasons);
        Assert.Equal(3, s.NoImprovementCount);
    }

    [Fact]
    public void EarlyStoppingAtPatienceZeroNeverStops()
    {
        var s = new TrainingState { NoImprovementCount = 1000 };
        Assert.Null(EarlyStopping.StopReason(EarlyStopping.AfterValidation(s, improved: false), Rules with { EarlyStoppingPatience = 0 }));
    }

    [Fact]
    public void AScoreImprovesOnlyWhenItIsFiniteAndHigherThanTheBest()
    {
        var none = new TrainingState();
        var best = new TrainingState { BestScore = 20.0 };
        Assert.True(new DevScores(2.0, 5.0).Improves(none, EvalMetric.Bleu));                 // the first finite validation is the best
        Assert.True(new DevScores(2.0, 21.0).Improves(best, EvalMetric.Bleu));
        Assert.False(new DevScores(2.0, 20.0).Improves(best, EvalMetric.Bleu));               // a tie is no improvement
        Assert.False(new DevScores(double.NaN, 30.0).Improves(best, EvalMetric.Bleu));        // a NaN loss never counts
        Assert.False(new DevScores(double.PositiveInfinity, 5.0).Improves(none, EvalMetric.Loss));
        Assert.True(new DevScores(1.5, 0.0).Improves(new TrainingState { BestScore = -1.6 }, EvalMetric.Loss)); // loss is scored negated
        Assert.False(new DevScores(1.7, 99.0).Improves(new TrainingState { BestScore = -1.6 }, EvalMetric.Loss));
        Assert.Equal(-1.5, new DevScores(1.5, 9.0).Score(EvalMetric.Loss));
        Assert.Equal(9.0, new DevScores(1.5, 9.0).Score(EvalMetric.Bleu));
    }
}
