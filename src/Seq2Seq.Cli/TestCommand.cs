using System.CommandLine;
using System.Globalization;
using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Evaluation;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq test CONFIG.yaml | --model DIR [--model DIR2 ...] --src FILE --ref FILE [--src FILE --ref FILE ...] [--beam N] ...</c>:
/// translates one or several test sets with one model (or an ensemble), writes each one's hypotheses into the model directory
/// (atomically) and prints the BLEU and chrF signatures once and a table: set, sentences, BLEU, chrF, length ratio.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var config = new Argument<string?>("config") { Description = "YAML config: its model_dir and data.test ({test}.{src}, {test}.{trg}; one prefix or a list)", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string[]>("--model") { Description = "model directory (instead of CONFIG); several --model: an ensemble (the first model's config gives the defaults)" };
        var src = new Option<string[]>("--src") { Description = "source file (with --model; repeat with --ref for several test sets)" };
        var reference = new Option<string[]>("--ref") { Description = "reference file of the --src at the same position" };
        var output = new Option<string?>("--output") { Description = "hypothesis file of a single test set (default: <model_dir>/<test name>.<beam>.hyp.<trg>)" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "checkpoint file in the model directory", DefaultValueFactory = _ => ModelDirectory.BestCheckpointName };
        var flags = new DecodingFlags();
        var command = new Command("test", "translate one or several test sets with the configured beam and score them (BLEU, chrF)")
        {
            config, model, src, reference, output, checkpoint,
        };
        flags.AddTo(command);
        command.SetAction(parse =>
        {
            string modelDir;
            List<(string Source, string Reference)> files;
            string[] sources = parse.GetValue(src) ?? [], references = parse.GetValue(reference) ?? [];
            string[] models = parse.GetValue(model) ?? [];
            if (parse.GetValue(config) is string configPath)
            {
                if (models.Length > 0 || sources.Length > 0 || references.Length > 0)
                    throw new UserErrorException("give either CONFIG or --model/--src/--ref, not both");
                var cfg = ConfigLoader.Load(FileArgument.Existing(configPath, "config"));
                if (cfg.Data.Test is not { Count: > 0 } tests) throw new UserErrorException($"{configPath}: data.test is not set");
                modelDir = cfg.ModelDir;
                models = [modelDir];
                files = [.. tests.Select(t => ($"{t}.{cfg.Data.Src}", $"{t}.{cfg.Data.Trg}"))];
            }
            else if (models.Length > 1 && sources.Length == 0 && references.Length == 0)
            {
                // An ensemble without --src/--ref scores the test sets of the first model's config.
                modelDir = models[0];
                var cfg = ConfigLoader.Load(FileArgument.Existing(new ModelDirectory(modelDir).ConfigFile, "config"));
                if (cfg.Data.Test is not { Count: > 0 } tests)
                    throw new UserErrorException($"{new ModelDirectory(modelDir).ConfigFile}: data.test is not set; give --src FILE --ref FILE");
                files = [.. tests.Select(t => ($"{t}.{cfg.Data.Src}", $"{t}.{cfg.Data.Trg}"))];
            }
            else
            {
                modelDir = models.FirstOrDefault() ?? throw new UserErrorException("give CONFIG.yaml, or --model DIR --src FILE --ref FILE");
                if (sources.Length == 0) throw new UserErrorException("--model needs --src FILE");
                if (references.Length == 0) throw new UserErrorException("--model needs --ref FILE");
                if (sources.Length != references.Length)
                    throw new UserErrorException($"{sources.Length} --src but {references.Length} --ref: give one --ref for each --src");
                files = [.. sources.Zip(references)];
            }
            string? outPath = parse.GetValue(output);
            if (outPath is not null && files.Count > 1)
                throw new UserErrorException($"--output names one file, but there are {files.Count} test sets; leave it out to write each into the model directory");
            if (outPath is not null) FileArgument.NotAFolder(outPath);
            // Every set is checked before the model is loaded, so a mistake in the last one costs nothing.
            var sets = new List<(string FileName, List<string> Sources, List<string> References)>();
            foreach (var (srcPath, refPath) in files)
            {
                FileArgument.Existing(srcPath);
                var refs = BleuCommand.ReadLines(refPath, "reference");
                var lines = TextFile.ReadLines(srcPath);
                if (lines.Count != refs.Count)
                    throw new UserErrorException($"{srcPath} has {lines.Count} lines but {refPath} has {refs.Count}");
                sets.Add((Path.GetFileName(srcPath), lines, refs));
            }

            using var translator = flags.Load(parse, models, parse.GetValue(checkpoint)!);
            var options = flags.Options(parse, translator);
            string suffix = "." + translator.Config.Data.Src;
            var rows = new List<(string Name, int Sentences, BleuScore Bleu, ChrfScore Chrf)>();
            foreach (var (fileName, lines, refs) in sets)
            {
                string name = fileName.EndsWith(suffix, StringComparison.Ordinal) && fileName.Length > suffix.Length ? fileName[..^suffix.Length] : fileName;
                List<string> hyps;
                using (var progress = ProgressLine.OnStderr($"translating {name}", lines.Count, stdoutFree: true))
                {
                    hyps = [.. translator.Translate(lines, options, progress).Select(t => t.Text)];
                    progress.Finish();
                }
                // An ensemble's hypotheses are written beside the first model's own, under another name.
                string hypPath = outPath ?? Path.Combine(modelDir, $"{name}.{options.BeamSize}{(models.Length > 1 ? ".ensemble" : "")}.hyp.{translator.Config.Data.Trg}");
                AtomicFile.WriteAllText(hypPath, string.Concat(hyps.Select(h => h + "\n")));
                Console.Error.WriteLine($"seq2seq: {hyps.Count} hypotheses (beam {options.BeamSize}) written to {hypPath}");
                rows.Add((name, hyps.Count, Bleu.Corpus(hyps, [refs]), Chrf.Corpus(hyps, [refs])));
            }
            PrintScores(rows);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The signatures once, as sacrebleu prints them (with the score after <c>=</c> when there is one test set), then
    /// one table row per set.
    /// </summary>
    private static void PrintScores(List<(string Name, int Sentences, BleuScore Bleu, ChrfScore Chrf)> rows)
    {
        var (bleu, chrf) = (rows[0].Bleu, rows[0].Chrf);
        Console.Out.WriteLine(rows.Count == 1 ? bleu.FormatWithSignature() : $"BLEU|{bleu.Signature}");
        Console.Out.WriteLine(rows.Count == 1 ? chrf.FormatWithSignature() : $"{chrf.Name}|{chrf.Signature}");
        Console.Out.WriteLine();
        int width = Math.Max(3, rows.Max(r => r.Name.Length));
        Console.Out.WriteLine($"{"set".PadRight(width)}  sentences   BLEU  {chrf.Name,6}  length ratio");
        foreach (var (name, sentences, b, c) in rows)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name.PadRight(width)}  {sentences,9}  {b.Score,5:F2}  {c.Score,6:F2}  {b.Ratio,12:F3}"));
        }
    }
}
