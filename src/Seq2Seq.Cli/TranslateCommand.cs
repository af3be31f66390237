using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Seq2Seq.Inference;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq translate --model DIR [--model DIR2 ... [--weights W1 W2 ...]] [--input FILE] [--output FILE] [--beam N] [--nbest N] [--alignments FILE] ...</c>:
/// streams the input through the model in chunks; stdin/stdout by default; a prompt when stdin is a terminal.
/// With <c>--shard I/N</c> it translates one shard of the input into <c>PREFIX.I-of-N</c> and its completion record
/// (docs/cluster.md).
/// </summary>
internal static class TranslateCommand
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static Command Create()
    {
        var model = new Option<string[]>("--model") { Description = "model directory written by 'seq2seq train'; several --model: an ensemble", Required = true };
        var input = new Option<string?>("--input") { Description = "input file, one sentence a line (default: stdin; a prompt when stdin is a terminal)" };
        var output = new Option<string?>("--output") { Description = "output file (default: stdout)" };
        var nbest = new Option<int>("--nbest")
        {
            Description = "write the N best hypotheses per sentence, one line each: SENTENCE<TAB>RANK<TAB>SCORE<TAB>LOGPROB<TAB>TEXT (0-based)",
            DefaultValueFactory = _ => 1,
        };
        var alignments = new Option<string?>("--alignments") { Description = "write hard word alignments (i-j, source-target, 0-based), one line per sentence" };
        var attention = new Option<string?>("--attention") { Description = "write the soft attention matrix of each sentence as a JSON line" };
        var attentionSvg = new Option<string?>("--attention-svg") { Description = "draw each sentence's attention matrix as DIR/0001.svg, DIR/0002.svg, ... (DIR is created)" };
        var chunk = new Option<int>("--chunk-size") { Description = "sentences read, sorted and translated at a time", DefaultValueFactory = _ => 10_000 };
        var stats = new Option<bool>("--stats") { Description = "print sentences/s, output subwords/s, model load time and peak memory on stderr at the end" };
        var shard = new Option<string?>("--shard")
        {
            Description = "translate shard I of N (I/N, 0-based: every N-th line from line I) into PREFIX.I-of-N (--output PREFIX); " +
                "auto: I from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX",
        };
        var shards = new Option<int?>("--shards") { Description = "with --shard auto: the number of shards (default: SLURM_ARRAY_TASK_COUNT)" };
        var flags = new DecodingFlags();
        var command = new Command("translate", "translate text with a trained model")
        {
            model, input, output, nbest, alignments, attention, attentionSvg, chunk, stats, shard, shards,
        };
        flags.AddTo(command);
        command.SetAction(parse =>
        {
            string? inPath = parse.GetValue(input), outPath = parse.GetValue(output);
            string? alignPath = parse.GetValue(alignments), attnPath = parse.GetValue(attention), svgDir = parse.GetValue(attentionSvg);
            if (inPath is not null) FileArgument.Existing(inPath);
            if (svgDir is not null) CreateDirectory(svgDir, "--attention-svg");
            if (parse.GetValue(chunk) < 1) throw new UserErrorException("--chunk-size must be at least 1");
            var plan = Shard(parse.GetValue(shard), parse.GetValue(shards), inPath, outPath, alignPath ?? attnPath ?? svgDir);
            var clock = Stopwatch.StartNew();
            var models = parse.GetValue(model)!;
            if (plan is not null && models.Length > 1) throw new UserErrorException("--shard takes one --model: an ensemble is not sharded");
            using var translator = flags.Load(parse, models);
            double loadSeconds = clock.Elapsed.TotalSeconds;
            if ((alignPath ?? attnPath ?? svgDir) is not null && !translator.HasAttention)
                throw new UserErrorException($"{(alignPath is not null ? "--alignments" : attnPath is not null ? "--attention" : "--attention-svg")}: " +
                    $"the model in {models[0]} has no attention (model.attention: none), so there are no attention weights to write");
            var options = flags.Options(parse, translator) with
            {
                NBest = parse.GetValue(nbest),
                KeepAttention = alignPath is not null || attnPath is not null || svgDir is not null,
            };
            if (parse.GetValue(nbest) > options.BeamSize && parse.GetValue(flags.Beam) is null)
                options = options with { BeamSize = parse.GetValue(nbest) };
            translator.Validate(options);
            if (plan is not null)
                return TranslateShard(translator, options, plan, inPath!, outPath!, models[0], parse.GetValue(chunk), parse.GetValue(stats), loadSeconds);

            using var writer = new OutputFiles(outPath, alignPath, attnPath, svgDir);
            if (inPath is null && !Console.IsInputRedirected)
            {
                Interactive(translator, options, writer);
                return 0;
            }
            var lines = inPath is null ? InputLines.Read(Console.OpenStandardInput()) : InputLines.ReadFile(inPath);
            long index = 0, subwords = 0;
            clock.Restart();
            // Live only on a terminal that the translations are not printed to.
            using var progress = ProgressLine.OnStderr("translating", inPath is null ? null : ProgressLine.CountLines(inPath),
                stdoutFree: outPath is not null || Console.IsOutputRedirected);
            foreach (var t in translator.TranslateStream(lines, options, parse.GetValue(chunk), progress))
            {
                writer.Write(index++, t, options.NBest > 1);
                subwords += t.Tokens.Count;
            }
            writer.Commit();
            progress.Finish(index);
            if (parse.GetValue(stats)) PrintStats(index, subwords, clock.Elapsed.TotalSeconds, loadSeconds);
            return 0;
        });
        return command;
    }

    /// <summary>The shard <c>--shard</c> names, checked against the flags a shard cannot take; null without <c>--shard</c>.</summary>
    private static ShardPlan? Shard(string? spec, int? shards, string? inPath, string? outPath, string? attentionOutput)
    {
        if (spec is null)
            return shards is null ? null : throw new UserErrorException("--shards needs --shard auto (or give --shard I/N)");
        var plan = ShardPlan.Parse(spec, shards, Environment.GetEnvironmentVariable);
        if (inPath is null) throw new UserErrorException("--shard needs --input FILE: every shard reads the same file");
        if (outPath is null) throw new UserErrorException("--shard needs --output PREFIX: the shard writes PREFIX.I-of-N");
        if (attentionOutput is not null)
            throw new UserErrorException("--shard: --alignments, --attention and --attention-svg are not sharded; translate without --shard to write them");
        return plan;
    }

    /// <summary>
    /// Translates one shard into its part and writes the completion record after it; skips when the part is already
    /// complete for this input, model and settings. A record left from an earlier run is removed first, so a shard
    /// killed while rewriting its part leaves a part without a record, which merge refuses.
    /// </summary>
    private static int TranslateShard(Translator translator, DecodingOptions options, ShardPlan plan, string inPath, string prefix,
        string modelDir, int chunkSize, bool stats, double loadSeconds)
    {
        if (options.NBest > 1) throw new UserErrorException("--shard: --nbest above 1 is not sharded; translate without --shard for n-best lists");
        string part = FileArgument.NotAFolder(plan.PartPath(prefix)), recordPath = plan.RecordPath(prefix);
        var clock = Stopwatch.StartNew();
        var expected = ShardRecord.Expected(plan, inPath, modelDir, options);
        if (ShardRecord.Read(recordPath) is { } done && done.Completes(expected, part))
        {
            Console.Error.WriteLine($"seq2seq: {part} is already complete for this input, model and settings ({Path.GetFileName(recordPath)}); skipping");
            return 0;
        }
        plan.PrepareRun(prefix);
        long n = 0, subwords = 0;
        using (var writer = new OutputFiles(part, null, null, null))
        {
            foreach (var t in translator.TranslateStream(plan.Select(InputLines.ReadFile(inPath)), options, chunkSize))
            {
                writer.Write(n++, t, nbest: false);
                subwords += t.Tokens.Count;
            }
            writer.Commit();
        }
        if (n != expected.Lines)
            throw new UserErrorException($"{inPath}: changed while shard {plan} was translating it ({n} lines instead of {expected.Lines}); run the shard again");
        (expected with { PartSha256 = ShardRecord.FileSha256(part) }).Write(recordPath);
        if (stats) PrintStats(n, subwords, clock.Elapsed.TotalSeconds, loadSeconds);
        return 0;
    }

    internal static void CreateDirectory(string path, string flag)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserErrorException($"{flag} {path}: cannot create the directory ({e.Message})", e);
        }
    }

    /// <summary>One line on stderr: the speed of reading, translating and writing everything after the model was loaded.</summary>
    private static void PrintStats(long sentences, long subwords, double seconds, double loadSeconds)
    {
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seq2seq: {sentences} sentences, {subwords} output subwords in {seconds:F2} s: {sentences / Math.Max(seconds, 1e-9):F1} sentences/s, " +
            $"{subwords / Math.Max(seconds, 1e-9):F0} subwords/s; model loaded in {loadSeconds:F2} s; peak RSS {peak / 1048576.0:F0} MiB"));
    }

    /// <summary>A prompt on stderr; each typed line is translated at once. Ctrl-D ends.</summary>
    private static void Interactive(Translator translator, DecodingOptions options, OutputFiles writer)
    {
        Console.Error.WriteLine($"seq2seq: {translator.Config.Data.Src} → {translator.Config.Data.Trg}, beam {options.BeamSize}; type a sentence, Ctrl-D to quit");
        long index = 0;
        while (true)
        {
            Console.Error.Write("> ");
            if (Console.In.ReadLine() is not string line) break;
            writer.Write(index++, translator.Translate([line], options)[0], options.NBest > 1);
            writer.Flush();
        }
        Console.Error.WriteLine();
        writer.Commit();
    }

    /// <summary>
    /// The translation, alignment and attention outputs; files are written under a temporary name and renamed by
    /// <see cref="Commit"/>. Attention pictures are written one file per sentence as they come (each atomically).
    /// </summary>
    private sealed class OutputFiles : IDisposable
    {
        private readonly List<(StreamWriter Writer, string? Path, string? Temp)> all = [];
        private readonly StreamWriter text;
        private readonly StreamWriter? align;
        private readonly StreamWriter? attention;
        private readonly string? svgDirectory;
        private bool committed;

        public OutputFiles(string? textPath, string? alignPath, string? attentionPath, string? svgDirectory)
        {
            this.svgDirectory = svgDirectory;
            text = Open(textPath)!;
            align = alignPath is null ? null : Open(alignPath);
            attention = attentionPath is null ? null : Open(attentionPath);
        }

        private StreamWriter Open(string? path)
        {
            Stream stream;
            string? temp = null;
            if (path is null)
            {
                stream = Console.OpenStandardOutput();
            }
            else
            {
                FileArgument.NotAFolder(path);
                // A device or stream (/dev/null, /dev/stdout) is written in place; a file through a temporary name.
                temp = AtomicFile.IsDeviceOrStream(path) ? null : AtomicFile.TemporaryPath(path);
                try
                {
                    stream = temp is null
                        ? new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16)
                        : new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UserErrorException($"{path}: cannot write ({e.Message})", e);
                }
            }
            var writer = new StreamWriter(stream, Utf8, 1 << 16) { NewLine = "\n" };
            all.Add((writer, path, temp));
            return writer;
        }

        public void Write(long index, Translation t, bool nbest)
        {
            if (nbest)
            {
                for (int r = 0; r < t.NBest.Count; r++)
                {
                    var h = t.NBest[r];
                    text.Write(string.Create(CultureInfo.InvariantCulture, $"{index}\t{r}\t{h.Score:0.######}\t{h.LogProbability:0.######}\t"));
                    text.WriteLine(h.Text);
                }
            }
            else
            {
                text.WriteLine(t.Text);
            }
            align?.WriteLine(t.Attention is null ? "" : WordAlignment.Format(t.Alignment()));
            if (attention is not null) attention.WriteLine(AttentionJson(t));
            if (svgDirectory is not null)
                AttentionSvg.Write(Path.Combine(svgDirectory, $"{index + 1:D4}.svg"), t, $"Sentence {index + 1}");
        }

        private static string AttentionJson(Translation t)
        {
            var rows = t.Attention ?? [];
            var source = t.SourceTokens.Count == 0 ? [] : t.SourceTokens.Append("</s>").ToArray();
            var target = rows.Length > t.Tokens.Count ? t.Tokens.Append("</s>").ToArray() : t.Tokens.ToArray();
            return JsonSerializer.Serialize(new { source, target, attention = rows.Select(r => r.Select(w => MathF.Round(w, 4))) },
                new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }

        public void Flush()
        {
            foreach (var (w, _, _) in all) w.Flush();
        }

        public void Commit()
        {
            foreach (var (w, path, temp) in all)
            {
                w.Flush();
                if (temp is null) continue;
                w.Dispose();
                File.Move(temp, path!, overwrite: true);
            }
            committed = true;
        }

        public void Dispose()
        {
            foreach (var (w, _, temp) in all)
            {
                try { w.Dispose(); } catch (IOException) { }
                if (!committed && temp is not null) try { File.Delete(temp); } catch (IOException) { }
            }
        }
    }
}
