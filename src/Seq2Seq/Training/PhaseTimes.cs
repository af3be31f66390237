namespace Seq2Seq.Training;

/// <summary>Seconds spent in each phase of the training steps since the last report.</summary>
/// <param name="Data">Building batch tensors.</param>
/// <param name="Forward">Encoder, decoder loop, output layer and loss.</param>
/// <param name="Backward">Back-propagation.</param>
/// <param name="Optimizer">Gradient clipping and the Adam step.</param>
public sealed record PhaseTimes(double Data, double Forward, double Backward, double Optimizer)
{
    /// <summary>The phases as shares of their sum: "data 1% forward 38% backward 47% optimizer 14%".</summary>
    public override string ToString()
    {
        double total = Math.Max(1e-12, Data + Forward + Backward + Optimizer);
        return $"data {100 * Data / total:F0}% forward {100 * Forward / total:F0}% backward {100 * Backward / total:F0}% optimizer {100 * Optimizer / total:F0}%";
    }
}
