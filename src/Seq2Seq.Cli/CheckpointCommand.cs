using System.CommandLine;
using Seq2Seq.Config;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using TorchSharp;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq checkpoint check DIR</c>: loads every checkpoint of a model directory into a model built from its
/// config (and <c>last.ckpt</c>'s optimiser state into an optimiser), one line per file; exit 1 when one fails.
/// Used by scripts/kill-test.sh and by people who wonder whether a killed run left something usable.
/// </summary>
internal static class CheckpointCommand
{
    public static Command Create()
    {
        var dirArg = new Argument<string>("model_dir") { Description = "model directory written by 'seq2seq train'" };
        var check = new Command("check", "load every checkpoint of a model directory and report it") { dirArg };
        check.SetAction(parse =>
        {
            var dir = new ModelDirectory(parse.GetValue(dirArg)!);
            if (!File.Exists(dir.ConfigFile)) throw new UserErrorException($"{dir.ConfigFile}: missing; is {dir.Path} a model directory?");
            var config = ConfigLoader.Load(dir.ConfigFile);
            var (src, trg) = dir.LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel);
            var files = dir.CheckpointFiles();
            if (files.Count == 0) throw new UserErrorException($"{dir.Path}: no checkpoint");
            TextWriter output = parse.InvocationConfiguration.Output;
            foreach (var file in files)
            {
                using var model = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
                var state = Checkpoint.ReadState(file);
                using var optimizer = file == dir.LastCheckpoint ? torch.optim.Adam(model.parameters()) : null;
                Checkpoint.Load(file, model, optimizer);
                bool finite = model.parameters().All(p => torch.isfinite(p).all().item<bool>());
                if (!finite) throw new UserErrorException($"{file}: weights hold NaN or infinity");
                output.WriteLine($"{Path.GetFileName(file)}: ok (step {state.Step}, epoch {state.Epoch}, batch {state.BatchInEpoch}" +
                    (state.Score is double s ? $", score {s:F4})" : ")"));
            }
            return 0;
        });
        return new Command("checkpoint", "inspect the checkpoints of a model directory") { check };
    }
}
