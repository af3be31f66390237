namespace Seq2Seq.Training;

/// <summary>How a language model training run starts.</summary>
/// <param name="Overwrite">Start over in a model directory that already holds files.</param>
/// <param name="Device">Overrides the config's device (<c>cpu</c>, <c>cuda</c>, <c>auto</c>).</param>
public sealed record LanguageModelTrainOptions(bool Overwrite = false, string? Device = null);
