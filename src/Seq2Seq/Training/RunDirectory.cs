using System.Globalization;
using Seq2Seq.ModelStore;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// A model directory as a training run keeps it: held against a second run from the moment it exists, it receives the
/// run's log (<c>train.log</c>), its validation rows (<c>metrics.tsv</c>), the best checkpoints (the newest
/// <c>keep_best_ckpts</c>) and the last one. Notices go to the progress listener and the log.
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private readonly IProgress<TrainingEvent>? progress;
    private readonly List<string> pendingLog = [];
    private ModelDirectoryLock? hold;
    private StreamWriter? log;
    private double trainLossSum;
    private int trainLossCount;

    /// <summary>
    /// Holds <paramref name="dir"/> when it exists already, so that a second run is refused before it reads anything;
    /// one that does not exist yet is held from <see cref="Open"/>, which creates it.
    /// </summary>
    /// <exception cref="UserErrorException">Another run holds the directory.</exception>
    public RunDirectory(ModelDirectory dir, IProgress<TrainingEvent>? progress)
    {
        Dir = dir;
        this.progress = progress;
        if (Directory.Exists(dir.Path)) hold = dir.Hold();
    }

    /// <summary>The model directory.</summary>
    public ModelDirectory Dir { get; }

    /// <summary>
    /// Creates and holds the directory (the inputs are known good by now), removes the temporary files a killed run
    /// may have left, and opens the log (appending when <paramref name="resume"/>). A fresh run first removes the
    /// earlier run's files, so none of them can be paired with the new vocabulary; <paramref name="writeFresh"/> then
    /// writes the new run's own files (tokenizers).
    /// </summary>
    public void Open(bool resume, Action? writeFresh = null)
    {
        hold ??= Dir.Hold();
        ModelDirectory.WriteOrFail(Dir.Path, () =>
        {
            Dir.RemoveTemporaryFiles();
            if (resume) return;
            Dir.RemoveRunFiles();
            writeFresh?.Invoke();
        });
        ModelDirectory.WriteOrFail(Dir.TrainLog, () => log = new StreamWriter(Dir.TrainLog, append: resume) { AutoFlush = true });
        foreach (var line in pendingLog) Log(line);
        pendingLog.Clear();
    }

    /// <summary>Reports <paramref name="message"/> and writes it to the log.</summary>
    public void Notice(string message, bool warning = false)
    {
        progress?.Report(new TrainingNotice(message, warning));
        Log((warning ? "WARNING: " : "") + message);
    }

    /// <summary>Writes a time-stamped line to the log; lines before <see cref="Open"/> wait until the log exists.</summary>
    public void Log(string line)
    {
        if (log is null)
        {
            pendingLog.Add(line);
            return;
        }
        ModelDirectory.WriteOrFail(Dir.TrainLog, () => log.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss} {line}"));
    }

    /// <summary>The columns of a translation run's <c>metrics.tsv</c>.</summary>
    public const string TranslationMetricsHeader = "step\tepoch\tlearning_rate\tdev_loss\tdev_ppl\tdev_bleu\tbest\tdev_chrf\ttrain_loss\tminutes";

    /// <summary>Starts <c>metrics.tsv</c> with its header row (tab-separated column names).</summary>
    public void StartMetrics(string header) =>
        ModelDirectory.WriteOrFail(Dir.MetricsFile, () => File.WriteAllText(Dir.MetricsFile, header + "\n"));

    /// <summary>Appends a row (tab-separated values in the header's order) to <c>metrics.tsv</c>.</summary>
    public void AppendMetrics(IEnumerable<object> values) =>
        ModelDirectory.WriteOrFail(Dir.MetricsFile, () => File.AppendAllText(Dir.MetricsFile, string.Join('\t', values) + "\n"));

    /// <summary>Reports a training event without writing it anywhere (a task's own validation event, which the task logs).</summary>
    public void Report(TrainingEvent value) => progress?.Report(value);

    /// <summary>
    /// Logs a validation and appends its row to <c>metrics.tsv</c> (with the mean of the training losses reported since
    /// the previous validation, empty when none was), then reports it: a listener that reads the file finds the row.
    /// </summary>
    public void RecordValidation(ValidationReport r)
    {
        Log($"validation at step {r.Step}: dev loss {r.Loss:F4} ppl {r.Perplexity:F2} bleu {r.Bleu:F2} chrf {r.Chrf:F2}{(r.IsBest ? " (best)" : "")} lr {r.LearningRate:G3} ({r.Seconds:F1}s)");
        string trainLoss = trainLossCount > 0 ? (trainLossSum / trainLossCount).ToString("F5", CultureInfo.InvariantCulture) : "";
        (trainLossSum, trainLossCount) = (0, 0);
        ModelDirectory.WriteOrFail(Dir.MetricsFile, () => File.AppendAllText(Dir.MetricsFile, string.Join('\t', r.Step, r.Epoch,
            r.LearningRate.ToString("G6", CultureInfo.InvariantCulture), r.Loss.ToString("F5", CultureInfo.InvariantCulture),
            r.Perplexity.ToString("F3", CultureInfo.InvariantCulture), r.Bleu.ToString("F2", CultureInfo.InvariantCulture), r.IsBest ? "*" : "",
            r.Chrf.ToString("F2", CultureInfo.InvariantCulture), trainLoss, r.Elapsed.TotalMinutes.ToString("F3", CultureInfo.InvariantCulture)) + "\n"));
        progress?.Report(r);
    }

    /// <summary>Reports the data of the run and writes it to the log.</summary>
    public void RecordData(DataReport report)
    {
        progress?.Report(report);
        Log(report.ToString());
        Log(report.UnknownShares());
    }

    /// <summary>Reports a step and writes it to the log.</summary>
    public void RecordStep(StepReport report)
    {
        if (double.IsFinite(report.Loss)) (trainLossSum, trainLossCount) = (trainLossSum + report.Loss, trainLossCount + 1);
        progress?.Report(report);
        Log(FormatStep(report));
    }

    /// <summary>
    /// Saves the weights as <c>best.ckpt</c> with <paramref name="score"/>; with <paramref name="keep"/> over 1 also as
    /// <c>best.&lt;step&gt;.ckpt</c>, of which the directory keeps the newest <paramref name="keep"/> - 1. Weights that
    /// hold NaN or infinity are never saved.
    /// </summary>
    public void SaveBest(nn.Module model, TrainingState state, double score, int keep)
    {
        if (!AllFinite(model))
        {
            Notice($"step {state.Step}: the weights hold NaN or infinity; not saved as best", warning: true);
            return;
        }
        var s = state with { Score = score, TorchRngState = [] };
        Checkpoint.Save(Dir.BestCheckpoint, model, s, optimizer: null);
        if (keep <= 1) return;
        Checkpoint.Save(Dir.BestCheckpointAt(s.Step), model, s, optimizer: null);
        Dir.RemoveOlderBests(keep);
    }

    /// <summary>Saves the weights as the periodic checkpoint of this step and keeps the newest <paramref name="keep"/>.</summary>
    public void SavePeriodic(nn.Module model, TrainingState state, int keep)
    {
        Checkpoint.Save(Dir.PeriodicCheckpointAt(state.Step), model, state with { TorchRngState = [] }, optimizer: null);
        Dir.RemoveOlderPeriodic(keep);
    }

    /// <summary>
    /// Saves weights, optimiser, the moving averages of the weights when kept, and <paramref name="state"/> (with the
    /// torch generator's state) as <c>last.ckpt</c> and returns the state saved; weights that hold NaN or infinity are
    /// not saved and the state is returned as it was.
    /// </summary>
    public TrainingState SaveLast(nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer, TrainingState state, IReadOnlyList<Tensor>? averages = null)
    {
        if (!AllFinite(model))
        {
            Notice($"step {state.Step}: the weights hold NaN or infinity; {Dir.LastCheckpoint} keeps the last finite ones", warning: true);
            return state;
        }
        var s = state with { TorchRngState = TrainingState.CaptureTorchRng() };
        Checkpoint.Save(Dir.LastCheckpoint, model, s, optimizer, averages);
        return s;
    }

    /// <summary>Closes the log and lets go of the directory.</summary>
    public void Dispose()
    {
        log?.Dispose();
        log = null;
        hold?.Dispose();
        hold = null;
    }

    internal static string FormatStep(StepReport r) =>
        $"epoch {r.Epoch} step {r.Step} batch {r.BatchInEpoch}/{r.BatchesInEpoch} loss {r.Loss:F4} " +
        $"{r.TargetTokensPerSecond:F0} tok/s {r.SentencesPerSecond:F1} sent/s lr {r.LearningRate:G3} ({r.Phases})";

    /// <summary>True when every weight is a finite number (a model that met a NaN is never saved).</summary>
    private static bool AllFinite(nn.Module model)
    {
        using var scope = NewDisposeScope();
        foreach (var p in model.parameters())
        {
            if (!isfinite(p).all().item<bool>()) return false;
        }
        return true;
    }
}
