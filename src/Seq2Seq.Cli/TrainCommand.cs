using System.CommandLine;
using Seq2Seq.Config;
using Seq2Seq.Training;

namespace Seq2Seq.Cli;

/// <summary><c>seq2seq train CONFIG.yaml [--resume] [--overwrite] [--device cpu|cuda|auto]</c></summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = "YAML config file" };
        var resume = new Option<bool>("--resume") { Description = "continue from last.ckpt in the model directory" };
        var overwrite = new Option<bool>("--overwrite") { Description = "start over in a model directory that holds files" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (overrides the config)" };
        var noFastPaths = new Option<bool>("--no-fast-paths") { Description = "train with the plain model, without the CPU fast paths (overrides the config's fast_paths)" };
        var command = new Command("train", "train a translation model from a YAML config") { config, resume, overwrite, device, noFastPaths };
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume) && parse.GetValue(overwrite))
                throw new UserErrorException("--resume and --overwrite exclude each other");
            string path = parse.GetValue(config)!;
            var cfg = ConfigLoader.Load(FileArgument.Existing(path, "config"));
            // Missing corpus files are reported with the config line that names them, before anything is created.
            ConfigLoader.CheckFiles(cfg, path);
            // So is a device that cannot be used (no GPU, CPU-only build, native libraries that do not load).
            ComputeDevice.Resolve(parse.GetValue(device) ?? cfg.Device.YamlName());
            using var signals = new StopSignals("stopping after this batch (saving last.ckpt)...");
            var display = new TrainingDisplay(Console.Error);
            var trainer = new Trainer(cfg, new TrainOptions(parse.GetValue(resume), parse.GetValue(overwrite), parse.GetValue(device),
                parse.GetValue(noFastPaths) ? false : null), display);
            var result = trainer.Run(signals.Token);
            display.Finish(result);
            // A run that gave up on non-finite losses failed, whatever it saved: say why on one line, exit 1.
            if (result.Diverged) throw new UserErrorException($"training diverged: {result.StopReason}");
            return result.Interrupted ? signals.InterruptedExitCode : 0;
        });
        return command;
    }
}
