using System.CommandLine;
using Seq2Seq.Inference;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq shortlist --model DIR [--corpus PREFIX] [--output FILE] [--per-source K] [--frequent F]</c>: builds the
/// vocabulary shortlist that <c>translate --shortlist</c> and <c>testing.shortlist</c> decode with (docs/translation.md).
/// </summary>
internal static class ShortlistCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "the model directory whose vocabularies the shortlist is for", Required = true };
        var corpus = new Option<string?>("--corpus") { Description = "parallel corpus prefix to count (PREFIX.src, PREFIX.trg; default: the config's data.train)" };
        var output = new Option<string?>("--output") { Description = "the shortlist file (default: DIR/shortlist.txt)" };
        var perSource = new Option<int>("--per-source") { Description = "target tokens kept per source token", DefaultValueFactory = _ => ShortlistBuilder.DefaultPerSource };
        var frequent = new Option<int>("--frequent") { Description = "most frequent target tokens always kept", DefaultValueFactory = _ => ShortlistBuilder.DefaultFrequent };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing shortlist file" };
        var command = new Command("shortlist", "build a vocabulary shortlist (likely target tokens per source token) for faster decoding")
        {
            model, corpus, output, perSource, frequent, overwrite,
        };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(model)!;
            if (!Directory.Exists(dir)) throw new UserErrorException($"{dir}: no such model directory");
            string path = FileArgument.NotAFolder(parse.GetValue(output) ?? Path.Combine(dir, "shortlist.txt"));
            if (File.Exists(path) && !parse.GetValue(overwrite)) throw new UserErrorException($"{path}: exists (pass --overwrite to replace it)");
            int k = parse.GetValue(perSource), f = parse.GetValue(frequent);
            if (k < 0) throw new UserErrorException("--per-source must be ≥ 0");
            if (f < 0) throw new UserErrorException("--frequent must be ≥ 0");
            var shortlist = ShortlistBuilder.FromModel(dir, parse.GetValue(corpus), k, f);
            shortlist.Save(path);
            double mean = shortlist.BySource.Where(l => l.Length > 0).Select(l => l.Length).DefaultIfEmpty(0).Average();
            Console.Error.WriteLine($"{path}: {shortlist.Frequent.Count} frequent target tokens, {mean:F1} target tokens per source token on average");
            return 0;
        });
        return command;
    }
}
