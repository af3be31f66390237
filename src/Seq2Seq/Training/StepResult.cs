namespace Seq2Seq.Training;

/// <summary>What a batch's step computed: its summed token loss, its sizes and how long its phases took.</summary>
/// <param name="Loss">Cross-entropy summed over the batch's target tokens.</param>
/// <param name="Tokens">Target tokens of the batch, EOS included.</param>
/// <param name="Sentences">Sentence pairs of the batch.</param>
internal readonly record struct StepResult(float Loss, int Tokens, int Sentences)
{
    /// <summary>The loss per target token; when it is not finite, no optimiser step was taken.</summary>
    public float MeanLoss => Loss / Tokens;

    /// <summary>Stopwatch ticks spent building the batch's tensors.</summary>
    public long DataTicks { get; init; }

    /// <summary>Stopwatch ticks of the forward pass.</summary>
    public long ForwardTicks { get; init; }

    /// <summary>Stopwatch ticks of the backward pass.</summary>
    public long BackwardTicks { get; init; }

    /// <summary>Stopwatch ticks of clipping and the optimiser update.</summary>
    public long OptimizerTicks { get; init; }
}
