using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.ModelStore;

/// <summary>Everything besides tensors that a resumed run needs to continue exactly where it stopped.</summary>
public sealed record TrainingState
{
    /// <summary>Optimiser steps taken.</summary>
    public int Step { get; init; }

    /// <summary>Current epoch (1-based).</summary>
    public int Epoch { get; init; } = 1;

    /// <summary>Batches of <see cref="Epoch"/> already trained on.</summary>
    public int BatchInEpoch { get; init; }

    /// <summary>Current learning rate.</summary>
    public double LearningRate { get; init; }

    /// <summary>Best validation score so far (higher is better; loss is stored negated).</summary>
    public double? BestScore { get; init; }

    /// <summary>Step of the best validation.</summary>
    public int BestStep { get; init; }

    /// <summary>Validations since the score last improved (plateau scheduler).</summary>
    public int PlateauCount { get; init; }

    /// <summary>Validations since the score last improved (early stopping).</summary>
    public int NoImprovementCount { get; init; }

    /// <summary>Non-finite losses skipped so far.</summary>
    public int SkippedBadLosses { get; init; }

    /// <summary>Training seconds spent before this run (wall time budget).</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>The torch CPU generator state (dropout), so dropout masks continue the same.</summary>
    public byte[] TorchRngState { get; init; } = [];

    /// <summary>Validation score of the weights in this file.</summary>
    public double? Score { get; init; }

    /// <summary>Captures the torch CPU generator.</summary>
    public static byte[] CaptureTorchRng()
    {
        using var state = torch.get_rng_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Restores the torch CPU generator captured by <see cref="CaptureTorchRng"/>.</summary>
    public static void RestoreTorchRng(byte[] bytes)
    {
        if (bytes.Length == 0) return;
        using var state = torch.tensor(bytes, dtype: ScalarType.Byte);
        torch.set_rng_state(state);
    }
}
