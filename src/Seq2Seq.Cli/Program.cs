using System.CommandLine;
using Seq2Seq;
using Seq2Seq.Cli;

var root = new RootCommand("seq2seq: train, run and score GRU + attention translation models");
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(TranslateCommand.Create());
root.Subcommands.Add(MergeCommand.Create());
root.Subcommands.Add(ShortlistCommand.Create());
root.Subcommands.Add(AverageCommand.Create());
root.Subcommands.Add(ChatCommand.Create());
root.Subcommands.Add(TestCommand.Create());
root.Subcommands.Add(BleuCommand.Create());
root.Subcommands.Add(CheckpointCommand.Create());
root.Subcommands.Add(LmCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(PlotCommand.Create());
root.Subcommands.Add(ClassifyCommand.Create());

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"seq2seq: {UsageErrors.Describe(error)}");
    Console.Error.WriteLine("Run 'seq2seq --help' for usage.");
    return 2;
}
try
{
    // No default exception handler: a user error is one line and exit code 1, never a stack trace.
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UserErrorException e)
{
    Console.Error.WriteLine($"seq2seq: {e.Message}");
    return 1;
}
