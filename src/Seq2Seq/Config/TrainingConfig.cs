namespace Seq2Seq.Config;

/// <summary>The <c>training:</c> section.</summary>
public sealed record TrainingConfig
{
    /// <summary>Optimiser: <c>adam</c>.</summary>
    public OptimizerType Optimizer { get; init; } = OptimizerType.Adam;

    /// <summary>Initial learning rate.</summary>
    [Range(Above = 0)]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam's beta1 and beta2.</summary>
    public IReadOnlyList<double> Betas { get; init; } = [0.9, 0.999];

    /// <summary>L2 weight decay (Adam's, not decoupled).</summary>
    [Range(From = 0)]
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this; 0 = no clipping.</summary>
    [Range(From = 0)]
    public double ClipGradNorm { get; init; } = 1.0;

    /// <summary>Label smoothing mass spread uniformly over the target vocabulary.</summary>
    [Range(From = 0, Below = 1)]
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Batch size, in sentences or target tokens (see <see cref="BatchType"/>).</summary>
    [Range(Above = 0)]
    public int BatchSize { get; init; } = 64;

    /// <summary><c>sentences</c> or <c>tokens</c>.</summary>
    public BatchType BatchType { get; init; } = BatchType.Sentences;

    /// <summary>Stop after this many epochs; 0 = no limit.</summary>
    [Range(From = 0)]
    public int Epochs { get; init; } = 10;

    /// <summary>Stop after this many optimiser steps; 0 = no limit.</summary>
    [Range(From = 0)]
    public int MaxSteps { get; init; }

    /// <summary>Stop after this many minutes of wall time; 0 = no limit.</summary>
    [Range(From = 0)]
    public double MaxMinutes { get; init; }

    /// <summary>Validate every this many steps (and at the end of training).</summary>
    [Range(Above = 0)]
    public int ValidationFreq { get; init; } = 1000;

    /// <summary>Report progress every this many steps.</summary>
    [Range(Above = 0)]
    public int LoggingFreq { get; init; } = 100;

    /// <summary>Validation score that picks the best checkpoint and drives the schedule: <c>bleu</c> or <c>loss</c>.</summary>
    public EvalMetric EvalMetric { get; init; } = EvalMetric.Bleu;

    /// <summary>
    /// <c>plateau</c> (lower the rate when validation stops improving), or <c>linear</c> / <c>cosine</c>: lower it from
    /// <c>learning_rate</c> to <c>min_lr</c> over the budget that <c>epochs</c>, <c>max_steps</c> and <c>max_minutes</c> set
    /// (whichever ends training first).
    /// </summary>
    public SchedulingType Scheduling { get; init; } = SchedulingType.Plateau;

    /// <summary>
    /// Linear and cosine only: the share of the budget trained at <c>learning_rate</c> before the fall to <c>min_lr</c>
    /// begins (0 = from the start; 0.8 = over the last fifth).
    /// </summary>
    [Range(From = 0, Below = 1)]
    public double DecayStart { get; init; }

    /// <summary>Raise the learning rate linearly from zero over this many first steps, under any schedule; 0 = no warm-up.</summary>
    [Range(From = 0)]
    public int WarmupSteps { get; init; }

    /// <summary>Plateau scheduler: validations without improvement before the learning rate drops.</summary>
    [Range(From = 0)]
    public int Patience { get; init; } = 5;

    /// <summary>Plateau scheduler: the learning rate is multiplied by this on a plateau.</summary>
    [Range(Above = 0, To = 1)]
    public double DecreaseFactor { get; init; } = 0.5;

    /// <summary>The learning rate never goes below this (plateau), or ends at it (linear, cosine).</summary>
    [Range(From = 0)]
    public double MinLr { get; init; } = 1e-6;

    /// <summary>Stop after this many validations without improvement; 0 = never stop early.</summary>
    [Range(From = 0)]
    public int EarlyStoppingPatience { get; init; }

    /// <summary>How many best checkpoints to keep (best.ckpt plus best.N.ckpt).</summary>
    [Range(Above = 0)]
    public int KeepBestCkpts { get; init; } = 1;

    /// <summary>Also save the weights every this many steps as <c>step.&lt;step&gt;.ckpt</c> (for <c>seq2seq average --last</c>); 0 = never.</summary>
    [Range(From = 0)]
    public int SaveFreq { get; init; }

    /// <summary>How many of those periodic checkpoints to keep, the newest.</summary>
    [Range(Above = 0)]
    public int KeepLastCkpts { get; init; } = 5;

    /// <summary>
    /// Keep an exponential moving average of the weights with this decay (validation, the best checkpoint and the
    /// schedules use it); 0 = none.
    /// </summary>
    [Range(From = 0, Below = 1)]
    public double EmaDecay { get; init; }

    /// <summary>
    /// The moving average's warm-up c: after step n its decay is min(<c>ema_decay</c>, n / (n + c)), so it
    /// spans about the last 1/c of the steps so far until <c>ema_decay</c> caps it. 9 is TensorFlow's; 1 averages
    /// every step's weights alike.
    /// </summary>
    [Range(Above = 0)]
    public double EmaWarmup { get; init; } = 9;

    /// <summary>Stop training after this many non-finite losses in a row.</summary>
    [Range(Above = 0)]
    public int MaxBadLossesInARow { get; init; } = 10;

    /// <summary>Write TensorBoard event files under <c>&lt;model_dir&gt;/tensorboard/</c> while training.</summary>
    public bool Tensorboard { get; init; } = true;
}
