namespace Seq2Seq.Config;

/// <summary>
/// A character language model's configuration (<c>seq2seq lm train</c>), as read from YAML: a recurrent network
/// trained on one plain text file by truncated backpropagation through time (docs/language-model.md).
/// </summary>
public sealed record LanguageModelConfig
{
    /// <summary>Name of the experiment (shown in logs).</summary>
    public string Name { get; init; } = "char_lm";

    /// <summary>Model directory: config, vocabulary, weights, log. Required.</summary>
    [Required]
    public string ModelDir { get; init; } = "";

    /// <summary>Seed for weights, dropout and the samples shown during training.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (CUDA when available).</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Cpu;

    /// <summary>libtorch's intra-op CPU threads; 0 = libtorch's default (one per core).</summary>
    [Range(From = 0)]
    public int Threads { get; init; } = 0;

    /// <summary>The plain text file (UTF-8) the model learns, read as one stream of characters. Required.</summary>
    [Required]
    public string Data { get; init; } = "";

    /// <summary>Network shape.</summary>
    public LanguageModelNetworkConfig Model { get; init; } = new();

    /// <summary>Truncated backpropagation through time, optimiser, limits, logging.</summary>
    public LanguageModelTrainingConfig Training { get; init; } = new();
}
