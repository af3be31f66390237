using System.Diagnostics;
using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Robustness;

/// <summary>Whatever the input line, translation yields exactly one output line for it.</summary>
[Collection(TorchCollection.Name)]
public class TranslationTests
{
    private static readonly Lazy<string> Model = new(() =>
    {
        var run = TinyRun.Create(20);
        run.Train();
        return run.ModelDir;
    });

    public static TheoryData<string, int> Inputs => new()
    {
        { "long line", 0 },
        { "unseen characters only", 1 },
        { "control characters", 2 },
        { "binary garbage", 3 },
        { "100,000 characters", 4 },
        { "empty and blank", 5 },
        { "unicode line separators and lone surrogates", 6 },
    };

    private static string[] Lines(int which)
    {
        var rng = new Random(11);
        return which switch
        {
            0 => [string.Join(' ', Enumerable.Repeat("le petit chat rouge", 500)), "chat"],
            1 => ["日本語のテキスト", "☃☃☃ 𝄞𝄞 🙂", "ЖЖЖ ЩЩЩ", "chat"],
            2 => ["\u0001\u0002\u0007", "chat\u001b[31m rouge\u001b[0m", "\tchat\v\f", "\0", "\u0085chat\u0085"],
            3 => [.. Enumerable.Range(0, 5).Select(_ => new string([.. Enumerable.Range(0, 300).Select(_ => (char)rng.Next(0, 256))]).Replace('\n', ' ').Replace('\r', ' '))],
            4 => [new string([.. Enumerable.Range(0, 100_000).Select(i => i % 7 == 6 ? ' ' : "chatlune"[rng.Next(8)])]), "chat"],
            5 => ["", " ", "\t", "chat", ""],
            6 => ["chat\u2028lune", "\u2029", "\uD800 chat", "lune \uDC00", "chat\uFEFF"],
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryLineGivesExactlyOneOutputLine(string name, int which)
    {
        string[] lines = Lines(which);
        using var translator = Translator.Load(Model.Value);
        var clock = Stopwatch.StartNew();

        var results = translator.Translate(lines);

        Assert.True(results.Count == lines.Length, $"{name}: {lines.Length} lines in, {results.Count} out");
        Assert.All(results, r => Assert.NotNull(r));
        Assert.All(results, r => Assert.DoesNotContain('\n', r.Text));
        Assert.All(results, r => Assert.DoesNotContain('\r', r.Text));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{name}: took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void AFolderGivenAsOutputIsAOneLineErrorThatNamesAFolder()
    {
        string dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "out"));
        File.WriteAllText(Path.Combine(dir, "in.txt"), "chat\n");

        string line = Cli.AssertUserError(Cli.Run(dir, "translate", "--model", Model.Value, "--input", "in.txt", "--output", "out"));

        Assert.Equal("seq2seq: out is a folder, not a file", line);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir, "out")));
    }
}
