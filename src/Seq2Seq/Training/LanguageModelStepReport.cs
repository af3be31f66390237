namespace Seq2Seq.Training;

/// <summary>Language model progress: every <c>logging_freq</c> steps and at the last one.</summary>
/// <param name="Step">Optimiser steps taken.</param>
/// <param name="Pass">The pass over the text of the last step (1-based).</param>
/// <param name="Chunk">The chunk of that pass the last step read (1-based).</param>
/// <param name="Chunks">Chunks in a pass.</param>
/// <param name="Loss">Mean cross-entropy per character (nats) since the last report.</param>
/// <param name="CharactersPerSecond">Characters predicted per second since the last report.</param>
/// <param name="Elapsed">Wall time of training so far.</param>
/// <param name="Eta">Estimated time to the nearest stopping limit.</param>
public sealed record LanguageModelStepReport(int Step, int Pass, int Chunk, int Chunks, double Loss, double CharactersPerSecond,
    TimeSpan Elapsed, TimeSpan? Eta) : TrainingEvent;
