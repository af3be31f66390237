using System.CommandLine;
using Seq2Seq;
using Seq2Seq.Cli;

var root = new RootCommand("seq2seq: neural machine translation toolkit");
root.Subcommands.Add(BleuCommand.Create());

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine("error: " + error.Message);
    }
    return 2;
}
try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UserErrorException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
