namespace Seq2Seq.Training;

/// <summary>How a training run starts.</summary>
/// <param name="Resume">Continue from <c>last.ckpt</c> in the model directory.</param>
/// <param name="Overwrite">Start over in a model directory that already holds files.</param>
/// <param name="Device">Overrides the config's device (<c>cpu</c>, <c>cuda</c>, <c>auto</c>).</param>
/// <param name="FastPaths">Overrides the config's <c>fast_paths</c> (false: the plain model, no CPU fast paths).</param>
public sealed record TrainOptions(bool Resume = false, bool Overwrite = false, string? Device = null, bool? FastPaths = null);
