using Seq2Seq.Text;

namespace Seq2Seq.ModelStore;

/// <summary>
/// A model directory: what <c>train</c> and <c>lm train</c> write and <c>translate</c>, <c>test</c>, <c>chat</c> and
/// <c>lm sample</c> read. Every file name of the directory, the rule that keeps the newest best checkpoints, the clean-up
/// of a killed run's temporary files and the lock of a running training are here and nowhere else.
/// </summary>
public sealed class ModelDirectory
{
    /// <summary>The file name of the weights of the best validation score (what translation loads by default).</summary>
    public const string BestCheckpointName = "best.ckpt";

    /// <summary>The file name of the weights, optimiser and training state of the latest step (for <c>--resume</c>).</summary>
    public const string LastCheckpointName = "last.ckpt";

    /// <summary>The file name of the lock that a running training holds (<see cref="ModelDirectoryLock"/>).</summary>
    public const string LockFileName = "train.lock";

    /// <summary>Subword model file prefix of the source side (<c>src.vocab.json</c>, <c>src.merges.txt</c>).</summary>
    public const string SourcePrefix = "src";

    /// <summary>Subword model file prefix of the target side.</summary>
    public const string TargetPrefix = "trg";

    /// <summary>Wraps <paramref name="path"/>; nothing is created or checked.</summary>
    public ModelDirectory(string path) => Path = path;

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The fully resolved config the model was trained with.</summary>
    public string ConfigFile => Combine("config.yaml");

    /// <summary>Weights of the best validation score.</summary>
    public string BestCheckpoint => Combine(BestCheckpointName);

    /// <summary>Weights, optimiser and training state of the latest step (for <c>--resume</c>).</summary>
    public string LastCheckpoint => Combine(LastCheckpointName);

    /// <summary>Human-readable training log.</summary>
    public string TrainLog => Combine("train.log");

    /// <summary>One row per validation.</summary>
    public string MetricsFile => Combine("metrics.tsv");

    /// <summary>The TensorBoard event files of training (<c>training.tensorboard</c>).</summary>
    public string TensorBoardFolder => Combine("tensorboard");

    /// <summary>The training curves, redrawn at every validation.</summary>
    public string CurvesFile => Combine("curves.svg");

    /// <summary>Exists while a training run holds the directory; holds that run's process id (<see cref="ModelDirectoryLock"/>).</summary>
    public string LockFile => Combine(LockFileName);

    /// <summary>The character vocabulary of a language model directory (<c>lm train</c>).</summary>
    public string CharVocabularyFile => Combine("vocab.json");

    /// <summary>The weights of a language model directory (<c>lm train</c>).</summary>
    public string LanguageModelWeights => Combine("model.ckpt");

    /// <summary>The labels of a sentence classifier directory (<c>classify train</c>), one a line in output order.</summary>
    public string LabelsFile => Combine("labels.txt");

    /// <summary>A checkpoint file of the directory by its name (<c>best.ckpt</c>, <c>last.ckpt</c>, <c>best.1200.ckpt</c>).</summary>
    public string Checkpoint(string name) => Combine(name);

    /// <summary>An earlier best checkpoint, kept under the step it was saved at when <c>keep_best_ckpts</c> is over 1.</summary>
    public string BestCheckpointAt(int step) => Combine($"best.{step}.ckpt");

    /// <summary>A periodic checkpoint (weights only), saved every <c>training.save_freq</c> steps.</summary>
    public string PeriodicCheckpointAt(int step) => Combine($"step.{step}.ckpt");

    /// <summary>The periodic checkpoints, newest first.</summary>
    public IReadOnlyList<string> PeriodicCheckpoints() => StepFiles("step");

    /// <summary>The earlier bests kept under their steps (<c>best.&lt;step&gt;.ckpt</c>), newest first.</summary>
    public IReadOnlyList<string> BestCheckpointsByStep() => StepFiles("best");

    /// <summary>Keeps the newest <paramref name="keep"/> periodic checkpoints and removes the older ones.</summary>
    public void RemoveOlderPeriodic(int keep)
    {
        foreach (var file in PeriodicCheckpoints().Skip(keep)) File.Delete(file);
    }

    private List<string> StepFiles(string prefix) => !Directory.Exists(Path) ? [] : [.. Directory.GetFiles(Path, $"{prefix}.*.ckpt")
        .Select(f => (File: f, Step: int.TryParse(System.IO.Path.GetFileName(f).Split('.')[1], out int n) ? n : -1))
        .Where(x => x.Step >= 0).OrderByDescending(x => x.Step).Select(x => x.File)];

    /// <summary>Every checkpoint file in the directory, in ordinal name order.</summary>
    public IReadOnlyList<string> CheckpointFiles() => [.. Directory.GetFiles(Path, "*.ckpt").Order(StringComparer.Ordinal)];

    /// <summary>The tokenizer files of both sides, those of every token level (a char or word level writes no merges file).</summary>
    public IEnumerable<string> TokenizerFiles => new[] { SourcePrefix, TargetPrefix }
        .SelectMany(p => new[] { TextTokenizer.VocabularyPath(Path, p), SubwordTokenizer.MergesPath(Path, p) });

    /// <summary>The target side's tokenizer files (what the models of an ensemble must share).</summary>
    public IReadOnlyList<string> TargetTokenizerFiles => [TextTokenizer.VocabularyPath(Path, TargetPrefix), SubwordTokenizer.MergesPath(Path, TargetPrefix)];

    /// <summary>True when the directory exists and holds anything besides a training run's lock file.</summary>
    public bool HasContent => Directory.Exists(Path) && Directory.EnumerateFileSystemEntries(Path)
        .Any(e => System.IO.Path.GetFileName(e) != LockFileName);

    /// <summary>Loads the source and target tokenizers saved by <see cref="SaveTokenizers"/>.</summary>
    public (TextTokenizer Source, TextTokenizer Target) LoadTokenizers(TokenLevel source, TokenLevel target) =>
        (TextTokenizer.Load(source, Path, SourcePrefix), TextTokenizer.Load(target, Path, TargetPrefix));

    /// <summary>Writes the source and target tokenizers' files (each atomically).</summary>
    public void SaveTokenizers(TextTokenizer source, TextTokenizer target)
    {
        source.Save(Path, SourcePrefix);
        target.Save(Path, TargetPrefix);
    }

    /// <summary>
    /// Takes the directory for a training run, creating it if needed; a second run is refused while this one holds
    /// it. Call it before anything in the directory is written or removed.
    /// </summary>
    /// <exception cref="UserErrorException">Another process holds the directory (the message names it and the
    /// holder's process id), or the directory cannot be written.</exception>
    public ModelDirectoryLock Hold() => ModelDirectoryLock.Acquire(this);

    /// <summary>Removes the temporary files (<see cref="AtomicFile"/>) that a killed run may have left behind.</summary>
    public void RemoveTemporaryFiles()
    {
        foreach (var stale in Directory.GetFiles(Path, AtomicFile.TemporaryPattern))
            File.Delete(stale);
    }

    /// <summary>
    /// Removes what an earlier run wrote besides its config (which a new run rewrites): checkpoints, log, metrics and
    /// vocabularies, curves and TensorBoard events, so that none of them can be paired with the new run's vocabulary.
    /// </summary>
    public void RemoveRunFiles()
    {
        var files = Directory.GetFiles(Path, "*.ckpt").Append(MetricsFile).Append(TrainLog).Append(CharVocabularyFile).Append(CurvesFile).Append(LabelsFile).Concat(TokenizerFiles);
        foreach (var old in files) File.Delete(old);
        if (Directory.Exists(TensorBoardFolder)) Directory.Delete(TensorBoardFolder, recursive: true);
    }

    /// <summary>
    /// The retention rule of best checkpoints: <c>best.ckpt</c> is the best one; of the earlier bests, saved as
    /// <c>best.&lt;step&gt;.ckpt</c>, the newest <paramref name="keep"/> - 1 stay and older ones are removed.
    /// </summary>
    public void RemoveOlderBests(int keep)
    {
        foreach (var file in BestCheckpointsByStep().Skip(keep - 1)) File.Delete(file);
    }

    /// <summary>Runs <paramref name="write"/>; a failed write (full disk, read-only folder) becomes a one-line user error naming <paramref name="path"/>.</summary>
    public static void WriteOrFail(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot write ({e.Message})", e);
        }
    }

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}
