namespace Seq2Seq.Config;

/// <summary>The optimiser (<c>training.optimizer</c>).</summary>
public enum OptimizerType
{
    /// <summary>Adam with L2 weight decay (<c>adam</c>).</summary>
    Adam,
}
