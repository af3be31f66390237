using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Checkpoint files: a magic line, a JSON <see cref="TrainingState"/>, the model weights and (in
/// <c>last.ckpt</c>) the optimiser state. Always written to a temporary file, flushed to disk and renamed,
/// so a crash at any moment leaves either the old or the new checkpoint, never a torn one.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "SEQ2SEQ-CKPT-1";

    /// <summary>Writes weights, state and optionally the optimiser to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, nn.Module model, TrainingState state, TorchSharp.Modules.OptimizerHelper? optimizer)
    {
        try
        {
            AtomicFile.Write(path, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                writer.Write(Magic);
                writer.Write(JsonSerializer.Serialize(state, JsonOptions));
                writer.Write(optimizer is not null);
                model.save(writer);
                optimizer?.save_state_dict(writer);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot write checkpoint ({e.Message}); the previous checkpoint is unchanged", e);
        }
    }

    /// <summary>Reads only the training state of a checkpoint.</summary>
    public static TrainingState ReadState(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path).State;
    }

    /// <summary>Loads weights (and the optimiser state, when given and present) and returns the training state.</summary>
    public static TrainingState Load(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer = null)
    {
        using var reader = Open(path);
        var (state, hasOptimizer) = ReadHeader(reader, path);
        try
        {
            model.load(reader, strict: true);
            if (optimizer is not null)
            {
                if (!hasOptimizer) throw new UserErrorException($"{path}: holds no optimiser state (a best checkpoint?); resume from last.ckpt");
                optimizer.load_state_dict(reader);
            }
        }
        catch (Exception e) when (e is not UserErrorException)
        {
            throw new UserErrorException($"{path}: checkpoint does not match the model ({FirstLine(e.Message)})", e);
        }
        return state;
    }

    private static BinaryReader Open(string path)
    {
        try
        {
            return new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read checkpoint: {e.Message}", e);
        }
    }

    private static (TrainingState State, bool HasOptimizer) ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException("not a seq2seq checkpoint");
            var state = JsonSerializer.Deserialize<TrainingState>(reader.ReadString(), JsonOptions)
                ?? throw new InvalidDataException("empty training state");
            return (state, reader.ReadBoolean());
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or JsonException or IOException)
        {
            throw new UserErrorException($"{path}: not a readable checkpoint ({e.Message})", e);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}

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
