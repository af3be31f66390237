namespace Seq2Seq.Config;

/// <summary>
/// A sentence classifier's configuration (<c>seq2seq classify train</c>), as read from YAML: the translation
/// encoder, a pooling and a linear layer to the labels, trained by the same trainer as translation
/// (docs/classification.md). The <c>training:</c> section is the translation one; <c>eval_metric</c> is
/// <c>accuracy</c> (the default here) or <c>loss</c>.
/// </summary>
public sealed record ClassifierConfig
{
    /// <summary>Name of the experiment (shown in logs).</summary>
    public string Name { get; init; } = "classifier";

    /// <summary>Model directory: config, vocabulary, labels, checkpoints, logs. Required.</summary>
    [Required]
    public string ModelDir { get; init; } = "";

    /// <summary>Seed for weights, dropout and batch order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (CUDA when available).</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Cpu;

    /// <summary>CPU threads: batches train as this many shards; 0 = libtorch's default (one per core).</summary>
    [Range(From = 0)]
    public int Threads { get; init; } = 0;

    /// <summary>Where the sentences and labels are, and what a token is.</summary>
    public ClassifierDataConfig Data { get; init; } = new();

    /// <summary>Network shape.</summary>
    public ClassifierModelConfig Model { get; init; } = new();

    /// <summary>Optimiser, batching, schedule, validation, checkpoints (the translation trainer's section).</summary>
    public TrainingConfig Training { get; init; } = new();
}
