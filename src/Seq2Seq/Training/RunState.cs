using System.Diagnostics;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Training;

/// <summary>The mutable part of a run: the training state and the run's clock, which continues a resumed run's.</summary>
internal sealed class RunState(TrainingState state)
{
    private readonly double before = state.ElapsedSeconds;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public TrainingState State { get; set; } = state;

    /// <summary>The learning rate of the latest step (warm-up included), as progress reports show it.</summary>
    public double LearningRate { get; set; } = state.LearningRate;

    /// <summary>Training seconds of this run and the runs it resumes.</summary>
    public double ElapsedSeconds => before + clock.Elapsed.TotalSeconds;
}
