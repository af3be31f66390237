using System.CommandLine;
using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Training;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq lm train CONFIG.yaml [--overwrite] [--device D]</c> and
/// <c>seq2seq lm sample --model DIR [--prime TEXT] [--length N] [--temperature T] [--seed S] [--device D]</c>:
/// min-char-rnn's character language model.
/// </summary>
internal static class LmCommand
{
    public static Command Create() =>
        new("lm", "character language model (min-char-rnn's task): train on one text file, sample text") { Train(), Sample() };

    private static Command Train()
    {
        var config = new Argument<string>("config") { Description = "YAML config file of the language model (configs/hello_lm.yaml)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "start over in a model directory that holds files" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (overrides the config)" };
        var command = new Command("train", "train a character language model by truncated backpropagation through time") { config, overwrite, device };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!;
            var cfg = ConfigLoader.LoadLanguageModel(FileArgument.Existing(path, "config"));
            ConfigLoader.CheckTextFile(cfg, path);
            ComputeDevice.Resolve(parse.GetValue(device) ?? cfg.Device.YamlName());
            using var signals = new StopSignals("stopping after this step (saving the weights)...");
            var trainer = new CharLanguageModelTrainer(cfg, new LanguageModelTrainOptions(parse.GetValue(overwrite), parse.GetValue(device)),
                new LanguageModelDisplay(Console.Error));
            var result = trainer.Run(signals.Token);
            if (result.Diverged) throw new UserErrorException($"training diverged: {result.StopReason}");
            if (!result.Interrupted) Console.Error.WriteLine($"sample with: seq2seq lm sample --model {cfg.ModelDir} --length 200");
            return result.Interrupted ? signals.InterruptedExitCode : 0;
        });
        return command;
    }

    private static Command Sample()
    {
        var model = new Option<string>("--model") { Description = "model directory written by 'seq2seq lm train'", Required = true };
        var prime = new Option<string?>("--prime") { Description = "text to continue (printed first); default: a first character drawn from the text's character frequencies" };
        var length = new Option<int>("--length") { Description = "characters to sample after the prime", DefaultValueFactory = _ => 200 };
        var temperature = new Option<double>("--temperature")
        {
            Description = "0 = always the most likely character; below 1 more conservative, above 1 more varied",
            DefaultValueFactory = _ => 1.0,
        };
        var seed = new Option<ulong?>("--seed") { Description = "seed of the random draws (default: a new one each run)" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (overrides the config)" };
        var command = new Command("sample", "print text sampled from a character language model: the prime, then the sampled characters")
        {
            model, prime, length, temperature, seed, device,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(length);
            double temp = parse.GetValue(temperature);
            if (n < 0) throw new UserErrorException($"--length must be 0 or more, got {n}");
            if (!double.IsFinite(temp) || temp < 0) throw new UserErrorException($"--temperature must be 0 or more, got {parse.GetValue(temperature)}");
            using var sampler = CharSampler.Load(parse.GetValue(model)!, parse.GetValue(device));
            string text = sampler.Sample(parse.GetValue(prime), n, temp, parse.GetValue(seed) ?? (ulong)Random.Shared.NextInt64());
            Console.Out.Write(text.EndsWith('\n') ? text : text + "\n");
            return 0;
        });
        return command;
    }

    /// <summary>Shows language model training like min-char-rnn's loop: a loss line per report, samples between rules.</summary>
    private sealed class LanguageModelDisplay(TextWriter output) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value)
        {
            switch (value)
            {
                case LanguageModelStepReport s:
                    output.WriteLine($"step {s.Step} | pass {s.Pass} chunk {s.Chunk}/{s.Chunks} | loss {s.Loss:F4} per character | {s.CharactersPerSecond:F0} chars/s | " +
                        $"{Clock(s.Elapsed)}{(s.Eta is TimeSpan eta ? $" | ETA {Clock(eta)}" : "")}");
                    break;
                case LanguageModelSample sample:
                    output.WriteLine($"---- sample at step {sample.Step} ----");
                    output.WriteLine(sample.Text.TrimEnd('\n'));
                    output.WriteLine("----");
                    break;
                case TrainingNotice n:
                    output.WriteLine(n.IsWarning ? $"warning: {n.Message}" : n.Message);
                    break;
            }
        }

        private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
    }
}
