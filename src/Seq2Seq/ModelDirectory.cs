namespace Seq2Seq;

/// <summary>The files of a model directory (what <c>train</c> writes and <c>translate</c> reads).</summary>
public sealed class ModelDirectory
{
    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Wraps <paramref name="path"/>; nothing is created or checked.</summary>
    public ModelDirectory(string path) => Path = path;

    /// <summary>The fully resolved config the model was trained with.</summary>
    public string ConfigFile => Combine("config.yaml");

    /// <summary>Weights of the best validation score.</summary>
    public string BestCheckpoint => Combine("best.ckpt");

    /// <summary>Weights, optimiser and training state of the latest step (for <c>--resume</c>).</summary>
    public string LastCheckpoint => Combine("last.ckpt");

    /// <summary>Human-readable training log.</summary>
    public string TrainLog => Combine("train.log");

    /// <summary>One row per validation.</summary>
    public string MetricsFile => Combine("metrics.tsv");

    /// <summary>Subword model file prefix of the source side (<c>src.vocab.json</c>, <c>src.merges.txt</c>).</summary>
    public const string SourcePrefix = "src";

    /// <summary>Subword model file prefix of the target side.</summary>
    public const string TargetPrefix = "trg";

    /// <summary>A file inside the directory.</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>True when the directory exists and holds anything.</summary>
    public bool HasContent => Directory.Exists(Path) && Directory.EnumerateFileSystemEntries(Path).Any();
}
