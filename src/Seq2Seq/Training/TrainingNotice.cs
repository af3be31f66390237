namespace Seq2Seq.Training;

/// <summary>A line of information (data read, vocabulary built, checkpoint written, warnings).</summary>
public sealed record TrainingNotice(string Message, bool IsWarning = false) : TrainingEvent;
