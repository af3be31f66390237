using System.Diagnostics;
using System.Text;
using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Inference;

/// <summary><see cref="ChatSession"/> and the <c>chat</c> command, on the tiny model.</summary>
[Collection(TorchCollection.Name)]
public class ChatTests(AnsweringModelFixture fixture) : IClassFixture<AnsweringModelFixture>
{
    private readonly Translator translator = fixture.Translator;

    /// <summary>Runs the built CLI with <paramref name="stdin"/> as its standard input (redirected, so not a terminal).</summary>
    internal static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var psi = Robustness.Cli.StartInfo(TestPaths.RepoRoot, args);
        psi.StandardOutputEncoding = Encoding.UTF8;
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(Encoding.UTF8.GetBytes(stdin));
        p.StandardInput.Close();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"seq2seq {string.Join(' ', args)} did not finish in 120 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void WithoutHistoryTheModelReadsOnlyTheNewLine()
    {
        var options = new DecodingOptions { BeamSize = 2 };
        var chat = new ChatSession(translator, options);
        var first = chat.Reply("chat rouge");
        var second = chat.Reply("lune mer");
        Assert.Equal("lune mer", chat.ModelInput("lune mer"));
        Assert.Equal(translator.Translate(["lune mer"], options)[0].Text, second.Text);
        Assert.Equal(Tokens("lune mer"), second.SourceTokens);
        Assert.Equal(translator.Translate(["chat rouge"], options)[0].Text, first.Text);
        Assert.Empty(chat.Turns);
    }

    [Fact]
    public void WithHistoryTheModelReadsTheLastExchangesBeforeTheNewLine()
    {
        var options = new DecodingOptions { BeamSize = 2 };
        var chat = new ChatSession(translator, options, historyTurns: 1, separator: " vent ");
        var first = chat.Reply("chat rouge");
        Assert.Equal(Tokens("chat rouge"), first.SourceTokens);                  // nothing before the first line
        string expected = $"chat rouge vent {first.Text} vent lune mer";
        Assert.Equal(expected, chat.ModelInput("lune mer"));
        var second = chat.Reply("lune mer");
        Assert.Equal(Tokens(expected), second.SourceTokens);
        Assert.Equal(translator.Translate([expected], options)[0].Text, second.Text);
        Assert.NotEqual(Tokens("lune mer"), second.SourceTokens);
        // One turn of history: the first exchange is forgotten now.
        Assert.Equal($"lune mer vent {second.Text} vent arbre", chat.ModelInput("arbre"));
        Assert.Equal([("lune mer", second.Text)], chat.Turns);
        // Empty lines get an empty reply and are not exchanges.
        Assert.Equal("", chat.Reply("  ").Text);
        Assert.Single(chat.Turns);
    }

    [Fact]
    public void HistoryLongerThanTheSourceLimitLosesItsOldestExchangesFirst()
    {
        var options = new DecodingOptions { MaxSourceLength = 12 };
        var chat = new ChatSession(translator, options, historyTurns: 5);
        foreach (string line in new[] { "chat rouge", "lune mer", "arbre vert" }) chat.Reply(line);
        string input = chat.ModelInput("soleil");
        Assert.EndsWith("soleil", input);
        Assert.True(translator.SourceTokenizer.Encode(input).Length <= 12, input);
        Assert.DoesNotContain("chat rouge", input);                                // the oldest exchange went first
        Assert.Equal("soleil", new ChatSession(translator, options with { MaxSourceLength = 1 }, historyTurns: 5).ModelInput("soleil"));
    }

    [Fact]
    public void SampledConversationsReplayFromTheSameSeed()
    {
        var options = new DecodingOptions { Sample = true, Temperature = 1.5, Seed = 3 };
        string[] lines = ["chat rouge", "chat rouge", "chat rouge", "chat rouge", "lune", "lune", "lune", "lune"];
        var a = new ChatSession(translator, options);
        var b = new ChatSession(translator, options);
        var first = lines.Select(l => a.Reply(l).Text).ToList();
        Assert.Equal(first, lines.Select(l => b.Reply(l).Text));
        Assert.True(first.Take(4).Distinct().Count() > 1 || first.Skip(4).Distinct().Count() > 1,
            "every turn drew the same reply: " + string.Join(" / ", first));
    }

    [Fact]
    public void BadHistoryIsAUserError()
    {
        Assert.Throws<UserErrorException>(() => new ChatSession(translator, new DecodingOptions(), historyTurns: -1));
        Assert.Throws<UserErrorException>(() => new ChatSession(translator, new DecodingOptions(), separator: ""));
        Assert.Throws<UserErrorException>(() => new ChatSession(translator, new DecodingOptions { Sample = true, BeamSize = 2 }));
    }

    [Fact]
    public void TheChatCommandAnswersEveryLineOnStdoutUntilQuit()
    {
        var (code, output, err) = Run("chat rouge\nlune mer\n\n  /quit  \narbre\n", "chat", "--model", fixture.ModelDir, "--beam", "2");
        Assert.True(code == 0, err);
        var options = translator.DefaultOptions with { BeamSize = 2 };
        string[] expected = [translator.Translate(["chat rouge"], options)[0].Text, translator.Translate(["lune mer"], options)[0].Text, ""];
        Assert.Equal(string.Join("", expected.Select(e => e + "\n")), output);   // one line per prompt, nothing after /quit
        Assert.Equal("", err);                                                    // no prompt decoration when piped
        Assert.NotEqual("", expected[0]);

        // The end of the input ends the conversation as well; the default beam comes from the model's config.
        var (eofCode, eofOut, eofErr) = Run("chat rouge", "chat", "--model", fixture.ModelDir);
        Assert.True(eofCode == 0, eofErr);
        Assert.Equal(translator.Translate(["chat rouge"])[0].Text + "\n", eofOut);
    }

    [Fact]
    public void TheChatCommandSamplesReproduciblyAndFeedsHistoryWhenAsked()
    {
        string input = "chat rouge\nchat rouge\nlune\nlune\nmer\n";
        string[] sample = ["chat", "--model", fixture.ModelDir, "--sample", "--temperature", "1.5", "--top-k", "5", "--seed", "4"];
        var (code, first, err) = Run(input, sample);
        Assert.True(code == 0, err);
        Assert.Equal(5, first.Split('\n').Length - 1);
        Assert.Equal(first, Run(input, sample).Out);

        var session = new ChatSession(translator, translator.DefaultOptions with { BatchSize = 1 }, historyTurns: 2);
        string expected = string.Concat(input.TrimEnd('\n').Split('\n').Select(l => session.Reply(l).Text + "\n"));
        var (hCode, withHistory, hErr) = Run(input, "chat", "--model", fixture.ModelDir, "--history", "2");
        Assert.True(hCode == 0, hErr);
        Assert.Equal(expected, withHistory);
    }

    [Theory]
    [InlineData("--sample --temperature -1", "--temperature must be a finite number ≥ 0 (got -1)")]
    [InlineData("--sample --top-k -3", "--top-k must be ≥ 0 (got -3)")]
    [InlineData("--sample --seed -5", "--seed must be ≥ 0 (got -5)")]
    [InlineData("--temperature 0.5", "--temperature, --top-k and --seed need --sample")]
    [InlineData("--sample --beam 3", "--beam and --sample exclude each other")]
    [InlineData("--beam 0", "--beam must be at least 1 (got 0)")]
    [InlineData("--history -1", "--history must be ≥ 0 (got -1)")]
    public void ABadFlagValueIsAOneLineError(string flags, string message)
    {
        var line = Robustness.Cli.AssertUserError(Run("chat rouge\n", ["chat", "--model", fixture.ModelDir, .. flags.Split(' ')]));
        Assert.Contains(message, line);
    }

    [Fact]
    public void AMissingModelDirectoryIsAOneLineError()
    {
        var line = Robustness.Cli.AssertUserError(Run("hello\n", "chat", "--model", Path.Combine(TestPaths.NewTempDir(), "nothing")));
        Assert.Contains("no such model directory", line);
    }

    private string[] Tokens(string text) => [.. translator.SourceTokenizer.Encode(text).Select(translator.SourceTokenizer.IdToToken)];
}
