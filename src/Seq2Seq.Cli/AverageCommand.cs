using System.CommandLine;
using Seq2Seq.Inference;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq average --model DIR (--last N | --best N | --checkpoints FILE ...) --output DIR2 [--overwrite]</c>: a new model
/// directory whose weights are the mean of the chosen checkpoints' (docs/training.md, "Averaging checkpoints").
/// </summary>
internal static class AverageCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "the model directory whose checkpoints are averaged", Required = true };
        var last = new Option<int?>("--last") { Description = "average the N newest periodic checkpoints (step.<step>.ckpt, saved every training.save_freq steps)" };
        var best = new Option<int?>("--best") { Description = "average the N newest best checkpoints (best.ckpt and the best.<step>.ckpt kept by training.keep_best_ckpts)" };
        var checkpoints = new Option<string[]>("--checkpoints") { Description = "average these checkpoint files", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--output") { Description = "the new model directory", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace what the output directory holds" };
        var command = new Command("average", "average the weights of several checkpoints into a new model directory")
        {
            model, last, best, checkpoints, output, overwrite,
        };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(model)!;
            if (!Directory.Exists(dir)) throw new UserErrorException($"{dir}: no such model directory");
            var files = parse.GetValue(checkpoints) ?? [];
            int? lastN = parse.GetValue(last), bestN = parse.GetValue(best);
            if ((lastN is null ? 0 : 1) + (bestN is null ? 0 : 1) + (files.Length == 0 ? 0 : 1) != 1)
                throw new UserErrorException("give one of --last N, --best N or --checkpoints FILE ...");
            if (lastN is < 1 || bestN is < 1) throw new UserErrorException($"{(lastN is null ? "--best" : "--last")} must be at least 1");
            IReadOnlyList<string> chosen = lastN is int l ? CheckpointAverage.Last(dir, l) : bestN is int b ? CheckpointAverage.Best(dir, b) : files;
            string outDir = parse.GetValue(output)!;
            CheckpointAverage.Write(dir, chosen, outDir, parse.GetValue(overwrite));
            Console.Error.WriteLine($"{outDir}: the mean of {chosen.Count} checkpoint{(chosen.Count == 1 ? "" : "s")} ({string.Join(", ", chosen.Select(Path.GetFileName))}) as best.ckpt");
            return 0;
        });
        return command;
    }
}
