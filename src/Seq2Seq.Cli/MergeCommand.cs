using System.CommandLine;
using Seq2Seq.Inference;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq merge --input FILE --shards N --parts PREFIX --output FILE [--model DIR]</c>: checks that the parts
/// <c>PREFIX.0-of-N</c> … <c>PREFIX.(N-1)-of-N</c> written by <c>translate --shard</c> are complete and belong to this
/// input (and model), and writes the whole translation in input order (docs/cluster.md).
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "the input file the shards translated", Required = true };
        var shards = new Option<int>("--shards") { Description = "the number of shards", Required = true };
        var parts = new Option<string>("--parts") { Description = "the shards' --output PREFIX: parts are PREFIX.I-of-N", Required = true };
        var output = new Option<string>("--output") { Description = "the merged translation (written under a temporary name and renamed)", Required = true };
        var model = new Option<string?>("--model") { Description = "also check that every part was translated with this model directory" };
        var command = new Command("merge", "merge the parts of a sharded translation in input order") { input, shards, parts, output, model };
        command.SetAction(parse =>
        {
            string inPath = FileArgument.Existing(parse.GetValue(input)!), outPath = FileArgument.NotAFolder(parse.GetValue(output)!);
            string? modelDir = parse.GetValue(model);
            if (modelDir is not null && !Directory.Exists(modelDir)) throw new UserErrorException($"{modelDir}: no such model directory");
            string? fingerprint = modelDir is null ? null : ShardRecord.ModelFingerprint(modelDir);
            ShardMerge.Merge(inPath, parse.GetValue(shards), parse.GetValue(parts)!, outPath, fingerprint);
            return 0;
        });
        return command;
    }
}
