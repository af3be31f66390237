namespace Seq2Seq.Config;

/// <summary>How the learning rate moves during training (<c>training.scheduling</c>).</summary>
public enum SchedulingType
{
    /// <summary>Multiplied by <c>decrease_factor</c> after <c>patience</c> validations without a new best (<c>plateau</c>).</summary>
    Plateau,

    /// <summary>Falls in a straight line from <c>learning_rate</c> to <c>min_lr</c> over the training budget (<c>linear</c>).</summary>
    Linear,

    /// <summary>Falls along half a cosine from <c>learning_rate</c> to <c>min_lr</c> over the training budget (<c>cosine</c>).</summary>
    Cosine,
}
