using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seq2Seq.Evaluation;

namespace Seq2Seq.Cli;

/// <summary><c>seq2seq bleu</c>: BLEU and chrF of a hypothesis file against reference files, as sacrebleu prints them.</summary>
internal static class BleuCommand
{
    public static Command Create()
    {
        var hyp = new Option<string>("--hyp", "-i") { Description = "Hypothesis file, one segment per line", Required = true };
        var refs = new Option<string[]>("--ref", "-r")
        {
            Description = "Reference file (repeat for several references)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var tokenize = new Option<string>("--tokenize", "-tok") { Description = "BLEU tokenizer", DefaultValueFactory = _ => "13a" };
        tokenize.AcceptOnlyFromAmong([.. BleuTokenizers.Names]);
        var lowercase = new Option<bool>("--lowercase", "-lc") { Description = "Case-insensitive BLEU and chrF" };
        var smooth = new Option<string>("--smooth", "-s") { Description = "BLEU smoothing", DefaultValueFactory = _ => "exp" };
        smooth.AcceptOnlyFromAmong("exp", "floor", "add-k", "none");
        var smoothValue = new Option<double?>("--smooth-value", "-sv") { Description = "Value for floor (default 0.1) and add-k (default 1)" };
        var metrics = new Option<string[]>("--metrics", "-m")
        {
            Description = "Metrics to compute",
            DefaultValueFactory = _ => ["bleu", "chrf"],
            AllowMultipleArgumentsPerToken = true,
        };
        metrics.AcceptOnlyFromAmong("bleu", "chrf");
        var chrfWordOrder = new Option<int>("--chrf-word-order", "-cw") { Description = "chrF word n-gram order (2 = chrF++)", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var confidence = new Option<bool>("--confidence", "-ci") { Description = "Bootstrap 95% confidence interval (sacrebleu's algorithm, seeded)" };
        var samples = new Option<int>("--confidence-n") { Description = "Bootstrap resamples", DefaultValueFactory = _ => Bootstrap.DefaultSamples };
        var pairedBs = new Option<string?>("--paired-bs") { Description = "Baseline hypothesis file: paired bootstrap test of --hyp against it" };
        var seed = new Option<int>("--seed") { Description = "Seed of the resampling", DefaultValueFactory = _ => Bootstrap.DefaultSeed };

        var command = new Command("bleu", "Score a hypothesis file with BLEU and chrF (sacrebleu 2.x exact)")
        {
            hyp, refs, tokenize, lowercase, smooth, smoothValue, metrics, chrfWordOrder, json, confidence, samples, pairedBs, seed,
        };
        command.SetAction(parse =>
        {
            string hypPath = parse.GetValue(hyp)!;
            string[] refPaths = parse.GetValue(refs)!;
            List<string> hypLines = ReadLines(hypPath, "hypothesis");
            var refLines = new List<IReadOnlyList<string>>();
            foreach (string path in refPaths)
            {
                List<string> lines = ReadLines(path, "reference");
                if (lines.Count != hypLines.Count)
                {
                    throw new UserErrorException($"{hypPath} has {hypLines.Count} lines but {path} has {lines.Count}");
                }
                refLines.Add(lines);
            }
            string? baselinePath = parse.GetValue(pairedBs);
            List<string>? baseline = null;
            if (baselinePath is not null)
            {
                baseline = ReadLines(baselinePath, "baseline");
                if (baseline.Count != hypLines.Count)
                {
                    throw new UserErrorException($"{hypPath} has {hypLines.Count} lines but {baselinePath} has {baseline.Count}");
                }
            }

            var bleuOptions = new BleuOptions
            {
                Tokenize = parse.GetValue(tokenize)!,
                Lowercase = parse.GetValue(lowercase),
                Smooth = BleuOptions.ParseSmoothing(parse.GetValue(smooth)!),
                SmoothValue = parse.GetValue(smoothValue),
            };
            var chrfOptions = new ChrfOptions { WordOrder = parse.GetValue(chrfWordOrder), Lowercase = parse.GetValue(lowercase) };
            string[] wanted = parse.GetValue(metrics)!;
            bool wantConfidence = parse.GetValue(confidence);
            int n = parse.GetValue(samples);
            int s = parse.GetValue(seed);
            if (n < 1)
            {
                throw new UserErrorException($"--confidence-n must be at least 1, got {n}");
            }

            TextWriter output = parse.InvocationConfiguration.Output;
            var obj = new JsonObject();
            var text = new List<string>();
            var signatures = new List<string>();

            if (wanted.Contains("bleu"))
            {
                BleuScore bleu = Bleu.Corpus(hypLines, refLines, bleuOptions);
                ConfidenceInterval? ci = wantConfidence ? Bootstrap.BleuConfidence(hypLines, refLines, bleuOptions, n, s) : null;
                PairedBootstrapResult? paired = baseline is null ? null : Bootstrap.PairedBleu(baseline, hypLines, refLines, bleuOptions, n, s);
                obj["name"] = "BLEU";
                obj["score"] = bleu.Score;
                obj["precisions"] = new JsonArray([.. bleu.Precisions.Select(p => (JsonNode?)p)]);
                obj["bp"] = bleu.Bp;
                obj["ratio"] = bleu.Ratio;
                obj["sys_len"] = bleu.SysLen;
                obj["ref_len"] = bleu.RefLen;
                obj["counts"] = Numbers(bleu.Counts);
                obj["totals"] = Numbers(bleu.Totals);
                obj["signature"] = WithResampling(bleu.Signature, ci is not null || paired is not null, n, s);
                string line = bleu.Format();
                if (ci is not null)
                {
                    line = "BLEU = " + PyText.FormatFixed(bleu.Score, 2) + " " + ci.Format() + bleu.FormatScore()[PyText.FormatFixed(bleu.Score, 2).Length..];
                    obj["confidence"] = ConfidenceJson(ci);
                }
                text.Add(line);
                if (paired is not null)
                {
                    text.Add(paired.Format("BLEU"));
                    obj["paired_bs"] = PairedJson(paired);
                }
                signatures.Add("BLEU signature: " + WithResampling(bleu.Signature, ci is not null || paired is not null, n, s));
            }
            if (wanted.Contains("chrf"))
            {
                ChrfScore chrf = Chrf.Corpus(hypLines, refLines, chrfOptions);
                ConfidenceInterval? ci = wantConfidence ? Bootstrap.ChrfConfidence(hypLines, refLines, chrfOptions, n, s) : null;
                PairedBootstrapResult? paired = baseline is null ? null : Bootstrap.PairedChrf(baseline, hypLines, refLines, chrfOptions, n, s);
                var c = new JsonObject { ["name"] = chrf.Name, ["score"] = chrf.Score, ["signature"] = WithResampling(chrf.Signature, ci is not null || paired is not null, n, s) };
                string line = chrf.Format();
                if (ci is not null)
                {
                    line += " " + ci.Format();
                    c["confidence"] = ConfidenceJson(ci);
                }
                text.Add(line);
                if (paired is not null)
                {
                    text.Add(paired.Format(chrf.Name));
                    c["paired_bs"] = PairedJson(paired);
                }
                signatures.Add(chrf.Name + " signature: " + WithResampling(chrf.Signature, ci is not null || paired is not null, n, s));
                if (obj.Count == 0)
                {
                    foreach (KeyValuePair<string, JsonNode?> kv in c)
                    {
                        obj[kv.Key] = kv.Value?.DeepClone();
                    }
                }
                else
                {
                    obj["chrf"] = c;
                }
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(obj.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                foreach (string line in text.Concat(signatures))
                {
                    output.WriteLine(line);
                }
            }
            return 0;
        });
        return command;
    }

    // sacrebleu adds the resampling to the signature right after nrefs: nrefs:1|bs:1000|seed:12345|case:...
    private static string WithResampling(string signature, bool resampled, int samples, int seed)
    {
        if (!resampled)
        {
            return signature;
        }
        int bar = signature.IndexOf('|');
        return signature[..bar] + string.Create(CultureInfo.InvariantCulture, $"|bs:{samples}|seed:{seed}") + signature[bar..];
    }

    private static JsonArray Numbers(IReadOnlyList<double> values) =>
        new([.. values.Select(v => v == Math.Floor(v) && Math.Abs(v) < 1e15 ? (JsonNode)(long)v : v)]);

    private static JsonObject ConfidenceJson(ConfidenceInterval ci) => new()
    {
        ["mean"] = ci.Mean,
        ["ci"] = ci.HalfWidth,
        ["samples"] = ci.Samples,
        ["seed"] = ci.Seed,
    };

    private static JsonObject PairedJson(PairedBootstrapResult p) => new()
    {
        ["baseline_score"] = p.BaselineScore,
        ["system_score"] = p.SystemScore,
        ["p_value"] = p.PValue,
        ["baseline_mean"] = p.Baseline.Mean,
        ["baseline_ci"] = p.Baseline.HalfWidth,
        ["system_mean"] = p.System.Mean,
        ["system_ci"] = p.System.HalfWidth,
        ["samples"] = p.System.Samples,
        ["seed"] = p.System.Seed,
    };

    /// <summary>sacrebleu's reading rule: UTF-8, split at '\n' only, <c>rstrip()</c> every line.</summary>
    internal static List<string> ReadLines(string path, string what)
    {
        FileArgument.Existing(path, what);
        string content;
        try
        {
            content = File.ReadAllText(path, new UTF8Encoding(false));
        }
        catch (IOException e)
        {
            throw new UserErrorException($"cannot read {what} file {path}: {e.Message}", e);
        }
        var lines = new List<string>();
        int start = 0;
        while (start < content.Length)
        {
            int end = content.IndexOf('\n', start);
            if (end < 0)
            {
                end = content.Length;
            }
            lines.Add(PyText.RStrip(content[start..end]));
            start = end + 1;
        }
        return lines;
    }
}
