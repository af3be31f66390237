namespace Seq2Seq.Config;

// The YAML schema: this record and one record per section (DataConfig, SubwordConfig, ModelConfig, TrainingConfig,
// TestingConfig; LanguageModelConfig for `lm train`), each in its own file. YAML keys are the snake_case form of the
// property names (EmbeddingDim -> embedding_dim), and so are the values of a closed choice, an enum
// (AttentionType.LuongDot -> luong_dot). The initialisers are the defaults and the attributes the rules
// ([Required]; [Range(Above = 0)] = positive): these records are the one place where every default and range is
// stated; configs/*.yaml document the same keys with comments.

/// <summary>A whole training/translation configuration, as read from YAML.</summary>
public sealed record Seq2SeqConfig
{
    /// <summary>Name of the experiment (shown in logs).</summary>
    public string Name { get; init; } = "seq2seq";

    /// <summary>Model directory: config, subword models, checkpoints, logs. Required.</summary>
    [Required]
    public string ModelDir { get; init; } = "";

    /// <summary>Seed for weights, dropout and batch order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (CUDA when available).</summary>
    public DeviceChoice Device { get; init; } = DeviceChoice.Cpu;

    /// <summary>Intra-op CPU threads; 0 = libtorch's default (one per core).</summary>
    [Range(From = 0)]
    public int Threads { get; init; } = 0;

    /// <summary>Run the CPU fast paths (packed decoding weights, once-per-batch GRU weight gradients); false: the plain model.</summary>
    public bool FastPaths { get; init; } = true;

    /// <summary>Where the corpora are and how they are filtered.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary>How text becomes token ids: BPE subwords, characters or words, per side.</summary>
    public SubwordConfig Subwords { get; init; } = new();

    /// <summary>Network shape.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Optimiser, batching, schedule, validation, checkpoints.</summary>
    public TrainingConfig Training { get; init; } = new();

    /// <summary>Decoding settings used by validation, <c>test</c> and <c>translate</c>.</summary>
    public TestingConfig Testing { get; init; } = new();
}
