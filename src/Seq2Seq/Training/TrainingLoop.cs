using Seq2Seq.Config;
using Seq2Seq.ModelStore;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// The training loop that every task shares: epochs of batches from the task, a step per batch, skipped non-finite
/// losses, progress every <c>logging_freq</c> steps, validation every <c>validation_freq</c> steps (best checkpoints,
/// the learning-rate schedule, early stopping), <c>last.ckpt</c> at each validation and at the end, and the limits
/// (<c>epochs</c>, <c>max_steps</c>, <c>max_minutes</c>, cancellation). A resumed run continues at the batch it stopped at.
/// </summary>
/// <param name="t">The <c>training:</c> section.</param>
/// <param name="directory">The run's model directory.</param>
/// <param name="task">The task trained.</param>
/// <param name="optimizer">The model's optimiser.</param>
/// <param name="average">The moving average of the weights (<c>training.ema_decay</c>), which the task's step moves and
/// which validation, <c>best.ckpt</c> and the schedules see; null when off.</param>
internal sealed class TrainingLoop(TrainingConfig t, RunDirectory directory, ITrainingTask task, Adam optimizer, ExponentialMovingAverage? average)
{
    private const string Interrupted = "interrupted";

    /// <summary>Refuses a resume that has nothing to resume or another model shape, and a fresh run into a directory that holds files.</summary>
    /// <param name="dir">The model directory.</param>
    /// <param name="options">Resume or overwrite.</param>
    /// <param name="shapeDifferences">When resuming, the config keys of the model's shape that differ from those it was trained with.</param>
    public static void CheckModelDirectory(ModelDirectory dir, TrainOptions options, Func<IReadOnlyList<string>> shapeDifferences)
    {
        if (options.Resume)
        {
            if (!File.Exists(dir.LastCheckpoint))
                throw new UserErrorException($"{dir.LastCheckpoint}: nothing to resume (no last checkpoint in model_dir)");
            if (!File.Exists(dir.ConfigFile))
                throw new UserErrorException($"{dir.ConfigFile}: missing; cannot resume a model directory without the config it was trained with");
            var differences = shapeDifferences();
            if (differences.Count > 0)
            {
                throw new UserErrorException(
                    $"{dir.Path}: cannot resume: the config's model shape differs from the checkpoint's ({string.Join("; ", differences)}); " +
                    "restore those values or train into a new model_dir");
            }
            return;
        }
        if (dir.HasContent && !options.Overwrite)
        {
            throw new UserErrorException(
                $"{dir.Path}: model directory already holds files; use --resume to continue it or --overwrite to start over");
        }
    }

    /// <summary>
    /// The optimiser of <paramref name="model"/>, the moving average of its weights (when <c>ema_decay</c> is above 0)
    /// and the state the run starts from: those of <c>last.ckpt</c> (the torch generator restored too) when
    /// <paramref name="resume"/>; otherwise fresh ones, after <paramref name="configYaml"/> and the header of
    /// <c>metrics.tsv</c> are written. A resumed checkpoint without averages starts them from its weights.
    /// </summary>
    public static (Adam Optimizer, TrainingState State, ExponentialMovingAverage? Average) Start(RunDirectory directory, nn.Module model,
        TrainingConfig t, bool resume, string configYaml, string metricsHeader)
    {
        var optimizer = optim.Adam(model.parameters(), lr: t.LearningRate, beta1: t.Betas[0], beta2: t.Betas[1], weight_decay: t.WeightDecay);
        var average = t.EmaDecay > 0 ? new ExponentialMovingAverage(optimizer, t.EmaDecay, t.EmaWarmup) : null;
        var state = new TrainingState { LearningRate = t.LearningRate };
        var dir = directory.Dir;
        if (resume)
        {
            (state, bool averagesLoaded) = Checkpoint.Load(dir.LastCheckpoint, model, optimizer, average?.Averages);
            if (average is not null && !averagesLoaded)
            {
                average.Reset();
                directory.Notice($"{dir.LastCheckpoint} holds no moving average of the weights: training.ema_decay starts it from the resumed weights");
            }
            TrainingState.RestoreTorchRng(state.TorchRngState);
            SetLearningRate(optimizer, state.LearningRate);
            directory.Notice($"resumed from {dir.LastCheckpoint} at step {state.Step} (epoch {state.Epoch}, batch {state.BatchInEpoch})");
        }
        else
        {
            AtomicFile.WriteAllText(dir.ConfigFile, configYaml);
            directory.StartMetrics(metricsHeader);
        }
        directory.Notice($"model: {model.parameters().Sum(p => p.numel()):N0} parameters");
        return (optimizer, state, average);
    }

    /// <summary>Trains from <paramref name="state"/> until a limit is reached, early stopping triggers or <paramref name="cancel"/> fires.</summary>
    public TrainingResult Run(TrainingState state, bool resumed, CancellationToken cancel)
    {
        var run = new RunState(state);
        var window = new StepWindow();
        int badInARow = 0, lastValidated = resumed ? run.State.Step : -1;
        string? stop = null;

        while (stop is null)
        {
            var batches = task.EpochBatches(run.State.Epoch);
            for (int b = run.State.BatchInEpoch; b < batches.Count && stop is null; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    stop = Interrupted;
                    break;
                }
                ScheduleLearningRate(run, b, batches.Count);
                var taken = task.Take(batches[b], run.State.Step);
                run.State = run.State with { BatchInEpoch = b + 1 };
                if (!float.IsFinite(taken.MeanLoss))
                {
                    stop = SkipBadLoss(run, taken.MeanLoss, ++badInARow);
                    continue;
                }
                badInARow = 0;
                window.Add(taken);
                run.State = run.State with { Step = run.State.Step + 1 };
                if (run.State.Step % t.LoggingFreq == 0) directory.RecordStep(window.Report(run, b + 1, batches.Count, t));
                if (t.SaveFreq > 0 && run.State.Step % t.SaveFreq == 0) directory.SavePeriodic(task.Model, run.State, t.KeepLastCkpts);
                if (run.State.Step % t.ValidationFreq == 0)
                {
                    stop = Validate(run);
                    lastValidated = run.State.Step;
                    SaveLast(run);
                }
                stop ??= LimitReached(run);
            }
            if (stop is null)
            {
                run.State = run.State with { Epoch = run.State.Epoch + 1, BatchInEpoch = 0 };
                if (t.Epochs > 0 && run.State.Epoch > t.Epochs) stop = $"{t.Epochs} epochs done";
            }
        }
        bool interrupted = stop == Interrupted;
        if (!interrupted && lastValidated != run.State.Step && run.State.Step > 0) Validate(run);
        SaveLast(run);
        var s = run.State;
        directory.Notice($"stopped: {stop}; {s.Step} steps; best {(s.BestScore is double best ? ScoreText(best) : "none")} at step {s.BestStep}");
        return new TrainingResult(stop, s.Step, s.Epoch, s.BestScore, s.BestStep, interrupted, Diverged: badInARow >= t.MaxBadLossesInARow);
    }

    /// <summary>Counts a step skipped for a loss that is not finite; returns why training stops, after too many in a row.</summary>
    private string? SkipBadLoss(RunState run, float loss, int badInARow)
    {
        run.State = run.State with { SkippedBadLosses = run.State.SkippedBadLosses + 1 };
        directory.Notice($"step {run.State.Step + 1}: loss is {loss}; batch skipped ({badInARow} in a row, {run.State.SkippedBadLosses} in all)", warning: true);
        return badInARow >= t.MaxBadLossesInARow
            ? $"{badInARow} non-finite losses in a row (training.max_bad_losses_in_a_row); lower the learning rate or check the data"
            : null;
    }

    /// <summary>
    /// Scores the dev set, moves the best score, the learning-rate schedule and early stopping on, saves a new best and
    /// records the validation; returns why training stops (early stopping) or null. With a moving average, all of it
    /// sees the averaged weights, copied into the model for the while and the live ones copied back after.
    /// </summary>
    private string? Validate(RunState run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var averaged = average?.SwapIn();
        var (score, isBest) = task.Evaluate(run.State, t.EvalMetric);
        var s = isBest ? run.State with { BestScore = score, BestStep = run.State.Step } : run.State;
        bool decreased = false;
        if (t.Scheduling == SchedulingType.Plateau) (s, decreased) = PlateauSchedule.AfterValidation(s, isBest, t);
        s = EarlyStopping.AfterValidation(s, isBest);
        if (decreased)
        {
            SetLearningRate(optimizer, s.LearningRate);
            run.LearningRate = s.LearningRate;
            directory.Notice($"no improvement for {t.Patience} validations: learning rate now {s.LearningRate:G3}");
        }
        run.State = s;
        if (isBest) directory.SaveBest(task.Model, s, score, t.KeepBestCkpts);
        averaged?.Dispose();                                                     // the live weights back before anything else
        task.RecordValidation(directory, s, isBest, clock.Elapsed.TotalSeconds, TimeSpan.FromSeconds(run.ElapsedSeconds));
        return EarlyStopping.StopReason(s, t);
    }

    /// <summary>Sets the rate of the step about to be taken; under linear and cosine the state records it.</summary>
    private void ScheduleLearningRate(RunState run, int batch, int batches)
    {
        if (t.Scheduling == SchedulingType.Plateau && t.WarmupSteps == 0) return;               // the rate moves at validations only
        double used = LearningRateSchedule.BudgetUsed(t, run.State, batch, batches, run.ElapsedSeconds);
        double rate = LearningRateSchedule.Rate(t, run.State, used);
        if (rate != run.LearningRate) SetLearningRate(optimizer, rate);
        run.LearningRate = rate;
        if (t.Scheduling != SchedulingType.Plateau) run.State = run.State with { LearningRate = rate };
    }

    private void SaveLast(RunState run) =>
        run.State = directory.SaveLast(task.Model, optimizer, run.State with { ElapsedSeconds = run.ElapsedSeconds }, average?.Averages);

    private string? LimitReached(RunState run)
    {
        if (t.MaxSteps > 0 && run.State.Step >= t.MaxSteps) return $"max_steps {t.MaxSteps} reached";
        if (t.MaxMinutes > 0 && run.ElapsedSeconds >= t.MaxMinutes * 60) return $"max_minutes {t.MaxMinutes} reached";
        return null;
    }

    private static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    private string ScoreText(double score) => t.EvalMetric switch
    {
        EvalMetric.Loss => $"dev loss {-score:F4}",
        EvalMetric.Accuracy => $"dev accuracy {100 * score:F2}%",
        _ => $"dev BLEU {score:F2}",
    };
}
