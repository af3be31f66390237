namespace Seq2Seq.Training;

/// <summary>One validation on the dev set.</summary>
/// <param name="Step">Step validated at.</param>
/// <param name="Epoch">Epoch validated in.</param>
/// <param name="Loss">Dev loss per target token (no label smoothing).</param>
/// <param name="Perplexity">exp(Loss).</param>
/// <param name="Bleu">Greedy dev BLEU (sacrebleu-compatible, 13a).</param>
/// <param name="IsBest">Whether this is the best score so far (and was saved as best.ckpt).</param>
/// <param name="LearningRate">Learning rate after the plateau scheduler saw this score.</param>
/// <param name="Seconds">How long the validation took.</param>
/// <param name="Chrf">Greedy dev chrF (NaN when not computed).</param>
/// <param name="Samples">The first few dev sentences with their current translations.</param>
/// <param name="Elapsed">Wall time of training at this validation (this and earlier runs).</param>
public sealed record ValidationReport(int Step, int Epoch, double Loss, double Perplexity, double Bleu, bool IsBest,
    double LearningRate, double Seconds, double Chrf = double.NaN, IReadOnlyList<DevSample>? Samples = null, TimeSpan Elapsed = default) : TrainingEvent;
