using Seq2Seq.Training;

namespace Seq2Seq.Classification;

/// <summary>One validation of a sentence classifier on the dev set.</summary>
/// <param name="Step">Step validated at.</param>
/// <param name="Epoch">Epoch validated in.</param>
/// <param name="Loss">Dev cross-entropy per sentence (no label smoothing).</param>
/// <param name="Accuracy">Share of dev sentences given their label, in [0, 1].</param>
/// <param name="MacroF1">The mean over the labels of each label's F1, in [0, 1].</param>
/// <param name="IsBest">Whether this is the best score so far (and was saved as best.ckpt).</param>
/// <param name="LearningRate">Learning rate after the plateau scheduler saw this score.</param>
/// <param name="Seconds">How long the validation took.</param>
public sealed record ClassificationValidationReport(int Step, int Epoch, double Loss, double Accuracy, double MacroF1, bool IsBest,
    double LearningRate, double Seconds) : TrainingEvent;
