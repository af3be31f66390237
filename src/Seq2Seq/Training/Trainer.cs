using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Observability;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Trains a <see cref="Seq2SeqModel"/> from a config: learns subwords, batches the corpus, runs Adam with
/// clipping, validates every <c>validation_freq</c> steps (loss, perplexity, greedy BLEU), schedules the
/// learning rate on plateaus, stops early, and writes checkpoints that a killed run can resume from.
/// </summary>
public sealed class Trainer
{
    private const string Interrupted = "interrupted";

    private readonly Seq2SeqConfig config;
    private readonly TrainOptions options;
    private readonly IProgress<TrainingEvent>? progress;
    private readonly ModelDirectory dir;

    /// <summary>Creates a trainer; nothing is read or written until <see cref="Run"/>.</summary>
    public Trainer(Seq2SeqConfig config, TrainOptions options, IProgress<TrainingEvent>? progress = null)
    {
        this.config = config;
        this.options = options;
        this.progress = progress;
        dir = new ModelDirectory(config.ModelDir);
    }

    /// <summary>Trains until a limit is reached, early stopping triggers or <paramref name="cancel"/> fires.</summary>
    /// <exception cref="UserErrorException">Another run holds the model directory, the inputs are unusable, or a file cannot be written.</exception>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        using var observers = new TrainingObservers(progress);
        using var directory = new RunDirectory(dir, observers);
        CheckModelDirectory();
        if (config.Threads > 0) set_num_threads(config.Threads);
        var device = ComputeDevice.Resolve(options.Device ?? config.Device.YamlName());
        random.manual_seed(config.Seed);
        var data = TrainingData.Prepare(config, options.Resume, directory, device);
        directory.Open(options.Resume, () => dir.SaveTokenizers(data.Source, data.Target));
        var (model, optimizer, state) = Start(directory, data, device);
        observers.Start(dir, config.Training.Tensorboard, curves: true, options.Resume ? state.Step : null);
        var t = config.Training;
        var sampler = new BatchSampler(data.Train.Source, data.Train.Target, t.BatchSize, t.BatchType == BatchType.Tokens, config.Seed);
        var run = new RunState(state);
        using var workers = new WorkerThreads(device.type == DeviceType.CPU ? get_num_threads() : 1);
        bool fastPaths = options.FastPaths ?? config.FastPaths;                  // the plain model when false
        var step = new ShardedStep(model, optimizer, data.Train, workers, device, config.Seed, t.LabelSmoothing, t.ClipGradNorm, fastPaths);
        var validator = new Validator(data.DevSet, data.Dev, data.Target, device, config.Testing, workers, fastPaths);
        var window = new StepWindow();
        int badInARow = 0, lastValidated = options.Resume ? run.State.Step : -1;
        string? stop = null;

        while (stop is null)
        {
            var batches = sampler.EpochBatches(run.State.Epoch);
            for (int b = run.State.BatchInEpoch; b < batches.Count && stop is null; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    stop = Interrupted;
                    break;
                }
                var taken = step.Take(batches[b], run.State.Step);
                run.State = run.State with { BatchInEpoch = b + 1 };
                if (!float.IsFinite(taken.MeanLoss))
                {
                    stop = SkipBadLoss(directory, run, taken.MeanLoss, ++badInARow);
                    continue;
                }
                badInARow = 0;
                window.Add(taken);
                run.State = run.State with { Step = run.State.Step + 1 };
                if (run.State.Step % t.LoggingFreq == 0) directory.RecordStep(window.Report(run, b + 1, batches.Count, t));
                if (run.State.Step % t.ValidationFreq == 0)
                {
                    stop = Validate(directory, validator, model, optimizer, run);
                    lastValidated = run.State.Step;
                    SaveLast(directory, model, optimizer, run);
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
        if (!interrupted && lastValidated != run.State.Step && run.State.Step > 0) Validate(directory, validator, model, optimizer, run);
        SaveLast(directory, model, optimizer, run);
        var s = run.State;
        directory.Notice($"stopped: {stop}; {s.Step} steps; best {(s.BestScore is double best ? ScoreText(best) : "none")} at step {s.BestStep}");
        return new TrainingResult(stop, s.Step, s.Epoch, s.BestScore, s.BestStep, interrupted, Diverged: badInARow >= t.MaxBadLossesInARow);
    }

    /// <summary>
    /// The model, its optimiser and the state the run starts from: those of <c>last.ckpt</c> (the torch generator
    /// restored too) when resuming; otherwise fresh ones, after the config and the header of <c>metrics.tsv</c> are written.
    /// </summary>
    private (Seq2SeqModel Model, Adam Optimizer, TrainingState State) Start(RunDirectory directory, TrainingData data, Device device)
    {
        var t = config.Training;
        var model = new Seq2SeqModel(config.Model, data.Source.VocabSize, data.Target.VocabSize);
        model.to(device);
        var optimizer = optim.Adam(model.parameters(), lr: t.LearningRate, beta1: t.Betas[0], beta2: t.Betas[1], weight_decay: t.WeightDecay);
        var state = new TrainingState { LearningRate = t.LearningRate };
        if (options.Resume)
        {
            state = Checkpoint.Load(dir.LastCheckpoint, model, optimizer);
            TrainingState.RestoreTorchRng(state.TorchRngState);
            SetLearningRate(optimizer, state.LearningRate);
            directory.Notice($"resumed from {dir.LastCheckpoint} at step {state.Step} (epoch {state.Epoch}, batch {state.BatchInEpoch})");
        }
        else
        {
            AtomicFile.WriteAllText(dir.ConfigFile, ConfigLoader.ToYaml(config));
            directory.StartMetrics();
        }
        directory.Notice($"model: {model.ParameterCount():N0} parameters");
        return (model, optimizer, state);
    }

    /// <summary>Counts a step skipped for a loss that is not finite; returns why training stops, after too many in a row.</summary>
    private string? SkipBadLoss(RunDirectory directory, RunState run, float loss, int badInARow)
    {
        run.State = run.State with { SkippedBadLosses = run.State.SkippedBadLosses + 1 };
        directory.Notice($"step {run.State.Step + 1}: loss is {loss}; batch skipped ({badInARow} in a row, {run.State.SkippedBadLosses} in all)", warning: true);
        return badInARow >= config.Training.MaxBadLossesInARow
            ? $"{badInARow} non-finite losses in a row (training.max_bad_losses_in_a_row); lower the learning rate or check the data"
            : null;
    }

    /// <summary>
    /// Scores the dev set, moves the best score, the learning-rate schedule and early stopping on, saves a new best and
    /// records the validation; returns why training stops (early stopping) or null.
    /// </summary>
    private string? Validate(RunDirectory directory, Validator validator, Seq2SeqModel model, Adam optimizer, RunState run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var t = config.Training;
        var scores = validator.Evaluate(model);
        double score = scores.Score(t.EvalMetric);
        bool isBest = scores.Improves(run.State, t.EvalMetric);
        var s = isBest ? run.State with { BestScore = score, BestStep = run.State.Step } : run.State;
        (s, bool decreased) = PlateauSchedule.AfterValidation(s, isBest, t);
        s = EarlyStopping.AfterValidation(s, isBest);
        if (decreased)
        {
            SetLearningRate(optimizer, s.LearningRate);
            directory.Notice($"no improvement for {t.Patience} validations: learning rate now {s.LearningRate:G3}");
        }
        run.State = s;
        if (isBest) directory.SaveBest(model, s, score, t.KeepBestCkpts);
        directory.RecordValidation(new ValidationReport(s.Step, s.Epoch, scores.Loss, scores.Perplexity, scores.Bleu, isBest, s.LearningRate,
            clock.Elapsed.TotalSeconds, scores.Chrf, scores.Samples, TimeSpan.FromSeconds(run.ElapsedSeconds)));
        return EarlyStopping.StopReason(s, t);
    }

    private static void SaveLast(RunDirectory directory, Seq2SeqModel model, Adam optimizer, RunState run) =>
        run.State = directory.SaveLast(model, optimizer, run.State with { ElapsedSeconds = run.ElapsedSeconds });

    private string? LimitReached(RunState run)
    {
        var t = config.Training;
        if (t.MaxSteps > 0 && run.State.Step >= t.MaxSteps) return $"max_steps {t.MaxSteps} reached";
        if (t.MaxMinutes > 0 && run.ElapsedSeconds >= t.MaxMinutes * 60) return $"max_minutes {t.MaxMinutes} reached";
        return null;
    }

    /// <summary>Refuses a resume that has nothing to resume or another model shape, and a fresh run into a directory that holds files.</summary>
    private void CheckModelDirectory()
    {
        if (options.Resume)
        {
            if (!File.Exists(dir.LastCheckpoint))
                throw new UserErrorException($"{dir.LastCheckpoint}: nothing to resume (no last checkpoint in model_dir)");
            if (!File.Exists(dir.ConfigFile))
                throw new UserErrorException($"{dir.ConfigFile}: missing; cannot resume a model directory without the config it was trained with");
            var trained = ConfigLoader.Load(dir.ConfigFile);
            var differences = ConfigLoader.Differences(trained, config, "model", "subwords");
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

    private static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    private string ScoreText(double score) =>
        config.Training.EvalMetric == EvalMetric.Loss ? $"dev loss {-score:F4}" : $"dev BLEU {score:F2}";
}
