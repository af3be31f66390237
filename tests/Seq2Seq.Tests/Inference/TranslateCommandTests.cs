using System.Diagnostics;
using System.Text;

namespace Seq2Seq.Tests.Inference;

/// <summary>Runs the built CLI's <c>translate</c> and <c>test</c> on the tiny model.</summary>
[Collection(TorchCollection.Name)]
public class TranslateCommandTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    internal static (int Code, string Out, string Err) Run(byte[]? stdin, params string[] args)
    {
        string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        string tfm = Path.GetFileName(baseDir);
        string config = Path.GetFileName(Path.GetDirectoryName(baseDir)!);
        string dll = Path.Combine(TestPaths.RepoRoot, "src", "Seq2Seq.Cli", "bin", config, tfm, "Seq2Seq.Cli.dll");
        Assert.True(File.Exists(dll), "CLI not built: " + dll);
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void DevicesAndStreamsAreWrittenInPlaceNotReplaced()
    {
        // --output /dev/stdout and --attention /dev/null must write to them, not rename a temporary file over them
        // (that once replaced the machine's /dev/null with a regular file).
        Assert.True(AtomicFile.IsDeviceOrStream("/dev/null"));
        Assert.True(AtomicFile.IsDeviceOrStream("/dev/stdout"));
        string dir = TestPaths.NewTempDir();
        Assert.False(AtomicFile.IsDeviceOrStream(Path.Combine(dir, "hyp.txt")));
        var (code, output, err) = Run(Encoding.UTF8.GetBytes("chat rouge\nmer\n"), "translate", "--model", fixture.ModelDir,
            "--output", "/dev/stdout", "--attention", "/dev/null");
        Assert.True(code == 0, err);
        Assert.Equal(2, output.Count(c => c == '\n'));                   // one line per input line
        Assert.Equal("", File.ReadAllText("/dev/null"));                 // still the device: reads as empty
        Assert.Empty(Directory.GetFiles("/dev", "null.tmp-*"));
        AtomicFile.WriteAllText("/dev/null", "not a file");
        Assert.Equal("", File.ReadAllText("/dev/null"));
    }

    [Fact]
    public void EveryInputLineGivesOneOutputLineWhateverItsBytes()
    {
        var input = new List<byte>();
        void Line(params byte[] bytes)
        {
            input.AddRange(bytes);
            input.Add((byte)'\n');
        }
        Line(Encoding.UTF8.GetBytes("chat rouge"));
        Line();
        Line(0xFF, 0xFE, 0x00, 0x01, (byte)'\r', 0x80);                 // binary garbage with a lone CR
        Line(Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Repeat("lune", 20_000))));
        Line(Encoding.UTF8.GetBytes("chat rouge"));
        Line(Encoding.UTF8.GetBytes("\u3042\u3044"));
        input.AddRange(Encoding.UTF8.GetBytes("mer\r\n"));                // CRLF
        input.AddRange(Encoding.UTF8.GetBytes("vent"));                   // no final newline
        string dir = TestPaths.NewTempDir(), aligned = Path.Combine(dir, "align");
        var (code, output, err) = Run([.. input], "translate", "--model", fixture.ModelDir, "--beam", "3",
            "--alignments", aligned, "--chunk-size", "3");
        Assert.True(code == 0, err);
        var lines = output.Split('\n');
        Assert.Equal(9, lines.Length);                                     // 8 lines and the final newline
        Assert.Equal("", lines[^1]);
        Assert.Equal("", lines[1]);
        Assert.Equal(lines[0], lines[4]);
        Assert.Equal(8, File.ReadAllLines(aligned).Length);

        var (nCode, nbest, nErr) = Run(Encoding.UTF8.GetBytes("chat rouge\n\nlune\n"), "translate", "--model", fixture.ModelDir, "--nbest", "3");
        Assert.True(nCode == 0, nErr);
        var rows = nbest.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.All(rows, r => Assert.Equal(5, r.Length));
        Assert.Equal(["0", "0", "0", "1", "2", "2", "2"], rows.Select(r => r[0]));
        Assert.Equal(["0", "1", "2", "0", "0", "1", "2"], rows.Select(r => r[1]));
        Assert.Equal("", rows[3][4]);
    }

    [Fact]
    public void TestCommandWritesHypothesesAndPrintsBleuAndChrf()
    {
        string dir = TestPaths.NewTempDir();
        string src = Path.Combine(dir, "held.fr"), reference = Path.Combine(dir, "held.en");
        File.WriteAllLines(src, ["chat rouge", "lune", "grand arbre vert"]);
        File.WriteAllLines(reference, ["red cat", "moon", "green tree big"]);
        var (code, output, err) = Run(null, "test", "--model", fixture.ModelDir, "--src", src, "--ref", reference, "--beam", "2");
        Assert.True(code == 0, err);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.StartsWith("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:", lines[0]);
        Assert.StartsWith("chrF2|nrefs:1|", lines[1]);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(fixture.ModelDir, "held.2.hyp.en")).Length);
        var (bad, _, badErr) = Run(null, "test", "--model", fixture.ModelDir, "--src", src);
        Assert.Equal(1, bad);
        Assert.Contains("--ref", badErr);
    }

    [SkippableTheory]
    [InlineData("1")]
    [InlineData("3")]
    public void TranslateGivesTheSameBytesWithAndWithoutTheFastPaths(string beam)
    {
        // The packed decoding steps compute the plain decoder's numbers up to the order of the sums, so greedy and
        // beam translations are byte-identical with --no-fast-paths.
        Skip.IfNot(Seq2Seq.Modeling.Cpu.PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        var input = Encoding.UTF8.GetBytes(string.Join('\n', TinyModelFixture.Sentences(40, seed: 12)) + "\n");
        var (code, fast, err) = Run(input, "translate", "--model", fixture.ModelDir, "--beam", beam);
        Assert.True(code == 0, err);
        var (plainCode, plain, plainErr) = Run(input, "translate", "--model", fixture.ModelDir, "--beam", beam, "--no-fast-paths");
        Assert.True(plainCode == 0, plainErr);
        Assert.Equal(40, fast.Count(c => c == '\n'));
        Assert.Equal(fast, plain);
    }
}
