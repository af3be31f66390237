namespace Seq2Seq.Training;

/// <summary>What the trainer reports while it runs; the caller decides how to show it.</summary>
public abstract record TrainingEvent;
