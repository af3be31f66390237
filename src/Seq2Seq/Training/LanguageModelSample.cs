namespace Seq2Seq.Training;

/// <summary>Text sampled from the model during training (every <c>sample_freq</c> steps and at the end).</summary>
/// <param name="Step">Steps taken when it was sampled.</param>
/// <param name="Text"><c>sample_length</c> characters at <c>sample_temperature</c>.</param>
public sealed record LanguageModelSample(int Step, string Text) : TrainingEvent;
