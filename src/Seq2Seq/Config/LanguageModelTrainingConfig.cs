namespace Seq2Seq.Config;

/// <summary>The <c>training:</c> section of a <see cref="LanguageModelConfig"/>.</summary>
public sealed record LanguageModelTrainingConfig
{
    /// <summary>Characters per chunk: gradients flow back at most this far; the hidden state is carried further.</summary>
    [Range(Above = 0)]
    public int SeqLength { get; init; } = 25;

    /// <summary>Parallel streams over the text, each a contiguous part of it with a hidden state of its own.</summary>
    [Range(Above = 0)]
    public int BatchSize { get; init; } = 1;

    /// <summary>Adam's learning rate.</summary>
    [Range(Above = 0)]
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Clip the global gradient norm to this; 0 = no clipping.</summary>
    [Range(From = 0)]
    public double ClipGradNorm { get; init; } = 5.0;

    /// <summary>Stop after this many optimiser steps (one chunk of every stream each); 0 = no limit.</summary>
    [Range(From = 0)]
    public int MaxSteps { get; init; } = 0;

    /// <summary>Stop after this many minutes of wall time; 0 = no limit.</summary>
    [Range(From = 0)]
    public double MaxMinutes { get; init; } = 0;

    /// <summary>Report the loss per character every this many steps.</summary>
    [Range(Above = 0)]
    public int LoggingFreq { get; init; } = 100;

    /// <summary>Show a sample and write the weights every this many steps; 0 = only at the end.</summary>
    [Range(From = 0)]
    public int SampleFreq { get; init; } = 1000;

    /// <summary>Characters in each sample shown during training; 0 = no samples.</summary>
    [Range(From = 0)]
    public int SampleLength { get; init; } = 200;

    /// <summary>Temperature of the samples shown during training; 0 = always the most likely character.</summary>
    [Range(From = 0)]
    public double SampleTemperature { get; init; } = 1.0;

    /// <summary>Write TensorBoard event files under <c>&lt;model_dir&gt;/tensorboard/</c> while training.</summary>
    public bool Tensorboard { get; init; } = true;
}
