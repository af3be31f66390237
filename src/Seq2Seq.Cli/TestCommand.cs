using System.CommandLine;
using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Evaluation;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq test CONFIG.yaml | --model DIR --src FILE --ref FILE [--beam N] ...</c>: translates a test set,
/// writes the hypotheses into the model directory (atomically) and prints BLEU and chrF with their signatures.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML config: its model_dir and data.test ({test}.{src}, {test}.{trg})", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "model directory (instead of CONFIG)" };
        var src = new Option<string?>("--src") { Description = "source file (with --model)" };
        var reference = new Option<string?>("--ref") { Description = "reference file (with --model)" };
        var output = new Option<string?>("--output") { Description = "hypothesis file (default: <model_dir>/<test name>.<beam>.hyp.<trg>)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint file in the model directory", DefaultValueFactory = _ => ModelDirectory.BestCheckpointName };
        var flags = new DecodingFlags();
        var command = new Command("test", "translate a test set with the configured beam and score it (BLEU, chrF)")
        {
            config, model, src, reference, output, checkpoint,
        };
        flags.AddTo(command);
        command.SetAction(parse =>
        {
            string modelDir, srcPath, refPath;
            if (parse.GetValue(config) is string configPath)
            {
                if (parse.GetValue(model) is not null || parse.GetValue(src) is not null || parse.GetValue(reference) is not null)
                    throw new UserErrorException("give either CONFIG or --model/--src/--ref, not both");
                var cfg = ConfigLoader.Load(FileArgument.Existing(configPath, "config"));
                if (string.IsNullOrEmpty(cfg.Data.Test)) throw new UserErrorException($"{configPath}: data.test is not set");
                modelDir = cfg.ModelDir;
                srcPath = $"{cfg.Data.Test}.{cfg.Data.Src}";
                refPath = $"{cfg.Data.Test}.{cfg.Data.Trg}";
            }
            else
            {
                modelDir = parse.GetValue(model) ?? throw new UserErrorException("give CONFIG.yaml, or --model DIR --src FILE --ref FILE");
                srcPath = parse.GetValue(src) ?? throw new UserErrorException("--model needs --src FILE");
                refPath = parse.GetValue(reference) ?? throw new UserErrorException("--model needs --ref FILE");
            }
            FileArgument.Existing(srcPath);
            if (parse.GetValue(output) is string outPath) FileArgument.NotAFolder(outPath);
            var refs = BleuCommand.ReadLines(refPath, "reference");
            var sources = TextFile.ReadLines(srcPath);
            if (sources.Count != refs.Count)
                throw new UserErrorException($"{srcPath} has {sources.Count} lines but {refPath} has {refs.Count}");

            using var translator = flags.Load(parse, modelDir, parse.GetValue(checkpoint)!);
            var options = flags.Options(parse, translator);
            var hyps = translator.Translate(sources, options).Select(t => t.Text).ToList();

            string name = Path.GetFileName(srcPath);
            string suffix = "." + translator.Config.Data.Src;
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length) name = name[..^suffix.Length];
            string hypPath = parse.GetValue(output) ?? Path.Combine(modelDir, $"{name}.{options.BeamSize}.hyp.{translator.Config.Data.Trg}");
            AtomicFile.WriteAllText(hypPath, string.Concat(hyps.Select(h => h + "\n")));

            var bleu = Bleu.Corpus(hyps, [refs]);
            var chrf = Chrf.Corpus(hyps, [refs]);
            Console.Out.WriteLine(bleu.FormatWithSignature());
            Console.Out.WriteLine(chrf.FormatWithSignature());
            Console.Error.WriteLine($"seq2seq: {hyps.Count} hypotheses (beam {options.BeamSize}) written to {hypPath}");
            return 0;
        });
        return command;
    }
}
