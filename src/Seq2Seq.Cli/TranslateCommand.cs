using System.CommandLine;
using Seq2Seq.Inference;

namespace Seq2Seq.Cli;

/// <summary><c>seq2seq translate --model DIR [--input FILE] [--output FILE] [--beam N] [--batch-size N] [--device D]</c></summary>
internal static class TranslateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model directory written by 'seq2seq train'", Required = true };
        var input = new Option<string?>("--input") { Description = "input file, one sentence a line (default: stdin)" };
        var output = new Option<string?>("--output") { Description = "output file (default: stdout)" };
        var beam = new Option<int?>("--beam") { Description = "beam size; 1 = greedy (default: the config's testing.beam_size)" };
        var batchSize = new Option<int?>("--batch-size") { Description = "sentences per batch" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto" };
        var command = new Command("translate", "translate text with a trained model") { model, input, output, beam, batchSize, device };
        command.SetAction(parse =>
        {
            using var translator = Translator.Load(parse.GetValue(model)!, parse.GetValue(device));
            var options = translator.DefaultOptions;
            if (parse.GetValue(beam) is int b) options = options with { BeamSize = b };
            if (parse.GetValue(batchSize) is int n) options = options with { BatchSize = n };
            string? inPath = parse.GetValue(input), outPath = parse.GetValue(output);
            if (inPath is not null && !File.Exists(inPath)) throw new UserErrorException($"{inPath}: no such file");
            var lines = inPath is null ? ReadAll(Console.In) : Data.TextFile.ReadLines(inPath);
            var results = translator.Translate(lines, options);
            using var writer = outPath is null ? Console.Out : new StreamWriter(outPath);
            foreach (var r in results) writer.WriteLine(r.Text);
            return 0;
        });
        return command;
    }

    private static List<string> ReadAll(TextReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is string line) lines.Add(line);
        return lines;
    }
}
