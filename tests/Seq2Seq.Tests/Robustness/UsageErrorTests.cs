namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// Mistakes on the command line are answered in a user's terms: a flag's value that does not convert names the flag,
/// what it expected and what it got (exit code 2, never a .NET type name), and a folder given where a file belongs is
/// called a folder (exit code 1, one line).
/// </summary>
public class UsageErrorTests
{
    public static TheoryData<string[], string> BadValues => new()
    {
        { ["translate", "--model", "m", "--beam", "five"], "seq2seq: --beam: expected a whole number, got 'five'" },
        { ["translate", "--model", "m", "--alpha", "abc"], "seq2seq: --alpha: expected a decimal number, got 'abc'" },
        { ["translate", "--model", "m", "--max-length-ratio", "1,5x"], "seq2seq: --max-length-ratio: expected a decimal number, got '1,5x'" },
        { ["test", "--model", "m", "--beam", "2.5"], "seq2seq: --beam: expected a whole number, got '2.5'" },
        { ["chat", "--model", "m", "--seed", "abc"], "seq2seq: --seed: expected a whole number, got 'abc'" },
        { ["chat", "--model", "m", "--temperature", "hot"], "seq2seq: --temperature: expected a decimal number, got 'hot'" },
        { ["lm", "sample", "--model", "m", "--length", "many"], "seq2seq: --length: expected a whole number, got 'many'" },
        { ["bleu", "--hyp", "h", "--ref", "r", "--confidence-n", "lots"], "seq2seq: --confidence-n: expected a whole number, got 'lots'" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void AFlagValueThatDoesNotConvertSaysWhatWasExpected(string[] args, string expected)
    {
        var (code, output, err) = Cli.Run(TestPaths.NewTempDir(), args);

        Assert.True(code == 2, $"exit code {code}, stderr: {err}");
        Assert.Equal("", output);
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines[0]);
        Assert.Equal("Run 'seq2seq --help' for usage.", lines[^1]);
        Assert.DoesNotContain("System.", err);
    }

    public static TheoryData<string[], string> FolderAsFile => new()
    {
        // arguments ("folder" is an existing folder, "file.txt" an existing file), the error line
        { ["train", "folder"], "seq2seq: folder is a folder, not a config file" },
        { ["lm", "train", "folder"], "seq2seq: folder is a folder, not a config file" },
        { ["test", "folder"], "seq2seq: folder is a folder, not a config file" },
        { ["translate", "--model", "m", "--input", "folder"], "seq2seq: folder is a folder, not a file" },
        { ["test", "--model", "m", "--src", "folder", "--ref", "file.txt"], "seq2seq: folder is a folder, not a file" },
        { ["test", "--model", "m", "--src", "file.txt", "--ref", "folder"], "seq2seq: folder is a folder, not a reference file" },
        { ["test", "--model", "m", "--src", "file.txt", "--ref", "file.txt", "--output", "folder"], "seq2seq: folder is a folder, not a file" },
        { ["bleu", "--hyp", "folder", "--ref", "file.txt"], "seq2seq: folder is a folder, not a hypothesis file" },
        { ["bleu", "--hyp", "file.txt", "--ref", "folder"], "seq2seq: folder is a folder, not a reference file" },
    };

    [Theory]
    [MemberData(nameof(FolderAsFile))]
    public void AFolderGivenAsAFileIsNamedAFolder(string[] args, string expected)
    {
        string dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "folder"));
        File.WriteAllText(Path.Combine(dir, "file.txt"), "un chat\n");

        string line = Cli.AssertUserError(Cli.Run(dir, args));

        Assert.Equal(expected, line);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("test")]
    public void AMissingConfigFileIsNamedAsSuch(string command)
    {
        string line = Cli.AssertUserError(Cli.Run(TestPaths.NewTempDir(), command, "nope.yaml"));

        Assert.Equal("seq2seq: nope.yaml: no such config file", line);
    }
}
