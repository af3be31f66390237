using Seq2Seq.Text;

namespace Seq2Seq.Config;

// The YAML schema, one record per section. YAML keys are the snake_case form of the property
// names (EmbeddingDim -> embedding_dim), and so are the values of a closed choice, an enum
// (AttentionType.LuongDot -> luong_dot). The initialisers below are the defaults and the attributes the
// rules ([Required]; [Range(Above = 0)] = positive): this file is the one place where every default
// and range is stated; configs/*.yaml document the same keys with comments.

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

/// <summary>The <c>data:</c> section.</summary>
public sealed record DataConfig
{
    /// <summary>Training corpus prefix: files are <c>{train}.{src}</c> and <c>{train}.{trg}</c>. Required.</summary>
    [Required]
    public string Train { get; init; } = "";

    /// <summary>Development (validation) corpus prefix. Required.</summary>
    [Required]
    public string Dev { get; init; } = "";

    /// <summary>Test corpus prefix (optional; used by <c>seq2seq test</c>).</summary>
    public string? Test { get; init; }

    /// <summary>Source language suffix, e.g. <c>fr</c>. Required.</summary>
    [Required]
    public string Src { get; init; } = "";

    /// <summary>Target language suffix, e.g. <c>en</c>. Required.</summary>
    [Required]
    public string Trg { get; init; } = "";

    /// <summary>Training pairs with more tokens than this on either side are skipped (subwords, characters or words: see <see cref="SubwordConfig.Type"/>).</summary>
    [Range(Above = 0)]
    public int MaxLength { get; init; } = 50;

    /// <summary>Lowercase all text before subword learning and encoding.</summary>
    public bool Lowercase { get; init; }
}

/// <summary>
/// The <c>subwords:</c> section: what a token is on each side, and how large the vocabularies get. <c>type</c> sets
/// both sides; <c>src_type</c> / <c>trg_type</c>, when given, override it for one side (e.g. characters in,
/// words out). Model directories written before these keys existed hold BPE on both sides, the default.
/// </summary>
public sealed record SubwordConfig
{
    /// <summary>
    /// Token level of both sides: <c>bpe</c> (byte-pair-encoding subwords, a merges file next to the vocabulary),
    /// <c>char</c> (every character a token, a space the visible token ▁, text round-trips exactly) or <c>word</c>
    /// (whitespace-separated words; rare ones become &lt;unk&gt;, whose share of the dev set is reported).
    /// </summary>
    public TokenLevel Type { get; init; } = TokenLevel.Bpe;

    /// <summary>Token level of the source side; <c>null</c> (the default) = <see cref="Type"/>.</summary>
    public TokenLevel? SrcType { get; init; }

    /// <summary>Token level of the target side; <c>null</c> (the default) = <see cref="Type"/>.</summary>
    public TokenLevel? TrgType { get; init; }

    /// <summary>
    /// Source vocabulary size, special tokens included: the size BPE learns to (characters and merges together);
    /// for <c>char</c> and <c>word</c> a limit: the most frequent characters or words are kept, up to this many.
    /// </summary>
    [Range(Above = 0)]
    public int SrcVocabSize { get; init; } = 8000;

    /// <summary>Target vocabulary size (see <see cref="SrcVocabSize"/>).</summary>
    [Range(Above = 0)]
    public int TrgVocabSize { get; init; } = 8000;

    /// <summary>
    /// For <c>bpe</c>, a pair must occur at least this often to be merged; for <c>char</c> and <c>word</c>, a
    /// character or word must occur at least this often in the training text to enter the vocabulary (rarer ones
    /// become &lt;unk&gt;).
    /// </summary>
    [Range(Above = 0)]
    public int MinFrequency { get; init; } = 2;

    /// <summary>The source side's token level: <see cref="SrcType"/>, or <see cref="Type"/> when that is not set.</summary>
    public TokenLevel SourceLevel => SrcType ?? Type;

    /// <summary>The target side's token level: <see cref="TrgType"/>, or <see cref="Type"/> when that is not set.</summary>
    public TokenLevel TargetLevel => TrgType ?? Type;
}

/// <summary>The <c>model:</c> section (the reference architecture by default).</summary>
public sealed record ModelConfig
{
    /// <summary>
    /// Recurrent cell of encoder and decoder: <c>gru</c>, <c>lstm</c> (its cell state is bridged to the decoder too)
    /// or <c>rnn</c> (a plain tanh RNN).
    /// </summary>
    public RnnType RnnType { get; init; } = RnnType.Gru;

    /// <summary>Token embedding size, both sides.</summary>
    [Range(Above = 0)]
    public int EmbeddingDim { get; init; } = 256;

    /// <summary>Encoder hidden size per direction.</summary>
    [Range(Above = 0)]
    public int EncoderHidden { get; init; } = 256;

    /// <summary>Run the encoder in both directions.</summary>
    public bool Bidirectional { get; init; } = true;

    /// <summary>Encoder layers.</summary>
    [Range(Above = 0)]
    public int EncoderLayers { get; init; } = 1;

    /// <summary>Decoder hidden size.</summary>
    [Range(Above = 0)]
    public int DecoderHidden { get; init; } = 512;

    /// <summary>Decoder layers: only 1 (one recurrent cell with attention and input feeding).</summary>
    [Range(Above = 0)]
    public int DecoderLayers { get; init; } = 1;

    /// <summary>
    /// Attention kind: <c>bahdanau</c> (additive), <c>luong_dot</c> (h_tᵀ enc_s; needs <see cref="DecoderHidden"/> equal
    /// to the encoder output size), <c>luong_general</c> (h_tᵀ W enc_s) or <c>none</c> (no attention: every step sees
    /// the encoder's final state instead).
    /// </summary>
    public AttentionType Attention { get; init; } = AttentionType.Bahdanau;

    /// <summary>Hidden size of the additive (<c>bahdanau</c>) attention; the other kinds do not use it.</summary>
    [Range(Above = 0)]
    public int AttentionDim { get; init; } = 512;

    /// <summary>Feed the previous attentional vector into the decoder cell.</summary>
    public bool InputFeeding { get; init; } = true;

    /// <summary>Dropout on embeddings and before the output projection.</summary>
    [Range(From = 0, Below = 1)]
    public double Dropout { get; init; } = 0.3;
}

/// <summary>The <c>training:</c> section.</summary>
public sealed record TrainingConfig
{
    /// <summary>Optimiser: <c>adam</c>.</summary>
    public OptimizerType Optimizer { get; init; } = OptimizerType.Adam;

    /// <summary>Initial learning rate.</summary>
    [Range(Above = 0)]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam's beta1 and beta2.</summary>
    public IReadOnlyList<double> Betas { get; init; } = [0.9, 0.999];

    /// <summary>L2 weight decay (Adam's, not decoupled).</summary>
    [Range(From = 0)]
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this; 0 = no clipping.</summary>
    [Range(From = 0)]
    public double ClipGradNorm { get; init; } = 1.0;

    /// <summary>Label smoothing mass spread uniformly over the target vocabulary.</summary>
    [Range(From = 0, Below = 1)]
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Batch size, in sentences or target tokens (see <see cref="BatchType"/>).</summary>
    [Range(Above = 0)]
    public int BatchSize { get; init; } = 64;

    /// <summary><c>sentences</c> or <c>tokens</c>.</summary>
    public BatchType BatchType { get; init; } = BatchType.Sentences;

    /// <summary>Stop after this many epochs; 0 = no limit.</summary>
    [Range(From = 0)]
    public int Epochs { get; init; } = 10;

    /// <summary>Stop after this many optimiser steps; 0 = no limit.</summary>
    [Range(From = 0)]
    public int MaxSteps { get; init; }

    /// <summary>Stop after this many minutes of wall time; 0 = no limit.</summary>
    [Range(From = 0)]
    public double MaxMinutes { get; init; }

    /// <summary>Validate every this many steps (and at the end of training).</summary>
    [Range(Above = 0)]
    public int ValidationFreq { get; init; } = 1000;

    /// <summary>Report progress every this many steps.</summary>
    [Range(Above = 0)]
    public int LoggingFreq { get; init; } = 100;

    /// <summary>Validation score that picks the best checkpoint and drives the schedule: <c>bleu</c> or <c>loss</c>.</summary>
    public EvalMetric EvalMetric { get; init; } = EvalMetric.Bleu;

    /// <summary>Plateau scheduler: validations without improvement before the learning rate drops.</summary>
    [Range(From = 0)]
    public int Patience { get; init; } = 5;

    /// <summary>Plateau scheduler: the learning rate is multiplied by this on a plateau.</summary>
    [Range(Above = 0, To = 1)]
    public double DecreaseFactor { get; init; } = 0.5;

    /// <summary>Plateau scheduler: the learning rate never goes below this.</summary>
    [Range(From = 0)]
    public double MinLr { get; init; } = 1e-6;

    /// <summary>Stop after this many validations without improvement; 0 = never stop early.</summary>
    [Range(From = 0)]
    public int EarlyStoppingPatience { get; init; }

    /// <summary>How many best checkpoints to keep (best.ckpt plus best.N.ckpt).</summary>
    [Range(Above = 0)]
    public int KeepBestCkpts { get; init; } = 1;

    /// <summary>Stop training after this many non-finite losses in a row.</summary>
    [Range(Above = 0)]
    public int MaxBadLossesInARow { get; init; } = 10;
}

/// <summary>The <c>testing:</c> section: decoding settings.</summary>
public sealed record TestingConfig
{
    /// <summary>Beam width; 1 = greedy.</summary>
    [Range(Above = 0)]
    public int BeamSize { get; init; } = 5;

    /// <summary>GNMT length penalty exponent; 0 = off.</summary>
    [Range(From = 0)]
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// Beam search also follows the greedy path and keeps it in the beam, so the greedy output is always among the
    /// final hypotheses; false (the default) is textbook beam search (docs/translation.md, "Keeping the greedy path").
    /// </summary>
    public bool KeepGreedyPath { get; init; }

    /// <summary>Sentences per decoding batch.</summary>
    [Range(Above = 0)]
    public int BatchSize { get; init; } = 32;

    /// <summary>Output limit = ratio × source subwords + offset.</summary>
    [Range(Above = 0)]
    public double MaxLengthRatio { get; init; } = 1.5;

    /// <summary>Output limit = ratio × source subwords + offset.</summary>
    [Range(From = 0)]
    public int MaxLengthOffset { get; init; } = 10;
}

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

/// <summary>The <c>model:</c> section of a <see cref="LanguageModelConfig"/>.</summary>
public sealed record LanguageModelNetworkConfig
{
    /// <summary>Recurrent cell: <c>gru</c>, <c>lstm</c> or <c>rnn</c> (tanh).</summary>
    public RnnType RnnType { get; init; } = RnnType.Gru;

    /// <summary>Hidden size of every layer.</summary>
    [Range(Above = 0)]
    public int Hidden { get; init; } = 128;

    /// <summary>Stacked recurrent layers.</summary>
    [Range(Above = 0)]
    public int Layers { get; init; } = 1;

    /// <summary>Character embedding size; 0 = one-hot input vectors, as in min-char-rnn.</summary>
    [Range(From = 0)]
    public int EmbeddingDim { get; init; } = 0;

    /// <summary>Dropout between stacked layers and before the output projection.</summary>
    [Range(From = 0, Below = 1)]
    public double Dropout { get; init; } = 0.0;
}

/// <summary>The <c>training:</c> section of a <see cref="LanguageModelConfig"/>.</summary>
public sealed record LanguageModelTrainingConfig
{
    /// <summary>Characters per chunk: gradients flow back at most this far; the hidden state is carried further.</summary>
    [Range(Above = 0)]
    public int SeqLength { get; init; } = 25;

    /// <summary>Parallel streams over the text, each a contiguous part of it with a hidden state of its own.</summary>
    [Range(Above = 0)]
    public int BatchSize { get; init; } = 1;

    /// <summary>Adam's learning rate.</summary>
    [Range(Above = 0)]
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Clip the global gradient norm to this; 0 = no clipping.</summary>
    [Range(From = 0)]
    public double ClipGradNorm { get; init; } = 5.0;

    /// <summary>Stop after this many optimiser steps (one chunk of every stream each); 0 = no limit.</summary>
    [Range(From = 0)]
    public int MaxSteps { get; init; } = 0;

    /// <summary>Stop after this many minutes of wall time; 0 = no limit.</summary>
    [Range(From = 0)]
    public double MaxMinutes { get; init; } = 0;

    /// <summary>Report the loss per character every this many steps.</summary>
    [Range(Above = 0)]
    public int LoggingFreq { get; init; } = 100;

    /// <summary>Show a sample and write the weights every this many steps; 0 = only at the end.</summary>
    [Range(From = 0)]
    public int SampleFreq { get; init; } = 1000;

    /// <summary>Characters in each sample shown during training; 0 = no samples.</summary>
    [Range(From = 0)]
    public int SampleLength { get; init; } = 200;

    /// <summary>Temperature of the samples shown during training; 0 = always the most likely character.</summary>
    [Range(From = 0)]
    public double SampleTemperature { get; init; } = 1.0;
}
