using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.ModelStore;

/// <summary>
/// Checkpoint files: a magic line, a JSON <see cref="TrainingState"/>, the model weights and (in
/// <c>last.ckpt</c>) the optimiser state, followed there by the moving averages of the weights when training keeps
/// them (<c>training.ema_decay</c>): their count (an Int32), then each tensor as TorchSharp saves one. Readers of the
/// weights stop before that section, so every checkpoint loads as weights alone as before. Always written to a
/// temporary file, flushed to disk and renamed, so a crash at any moment leaves either the old or the new checkpoint,
/// never a torn one.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "SEQ2SEQ-CKPT-1";

    /// <summary>
    /// Writes weights, state and optionally the optimiser to <paramref name="path"/> atomically; with the optimiser,
    /// also the moving averages of the weights when given.
    /// </summary>
    public static void Save(string path, nn.Module model, TrainingState state, TorchSharp.Modules.OptimizerHelper? optimizer,
        IReadOnlyList<Tensor>? averages = null)
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
                if (optimizer is null || averages is null) return;
                writer.Write(averages.Count);
                foreach (var average in averages) average.Save(writer);
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
    public static TrainingState Load(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer = null) =>
        Load(path, model, optimizer, averages: null).State;

    /// <summary>
    /// Loads weights, the optimiser state (when given and present) and, when <paramref name="averages"/> is given and
    /// the file holds moving averages, copies them into those tensors; returns the training state and whether it did.
    /// </summary>
    public static (TrainingState State, bool AveragesLoaded) Load(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer,
        IReadOnlyList<Tensor>? averages)
    {
        using var reader = Open(path);
        var (state, hasOptimizer) = ReadHeader(reader, path);
        bool averagesLoaded = false;
        try
        {
            model.load(reader, strict: true);
            if (optimizer is not null)
            {
                if (!hasOptimizer) throw new UserErrorException($"{path}: holds no optimiser state (a best checkpoint?); resume from {ModelDirectory.LastCheckpointName}");
                optimizer.load_state_dict(reader);
                if (averages is not null && reader.BaseStream.Position < reader.BaseStream.Length)
                {
                    int count = reader.ReadInt32();
                    if (count != averages.Count)
                        throw new UserErrorException($"{path}: holds {count} averaged weight tensors, the model has {averages.Count}");
                    using var noGrad = no_grad();
                    foreach (var average in averages) TensorExtensionMethods.Load(average, reader); // copies into the tensor
                    averagesLoaded = true;
                }
            }
        }
        catch (Exception e) when (e is not UserErrorException)
        {
            throw new UserErrorException($"{path}: checkpoint does not match the model ({FirstLine(e.Message)})", e);
        }
        return (state, averagesLoaded);
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
