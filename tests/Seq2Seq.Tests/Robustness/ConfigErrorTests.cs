namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// A bad config makes <c>seq2seq train</c> exit with 1 and one stderr line naming the file and line, with no stack
/// trace, and leaves the model directory exactly as it was (even with --overwrite).
/// </summary>
public class ConfigErrorTests
{
    private const string Good = """
        name: bad-config
        model_dir: model
        data:
          train: corpus/train
          dev: corpus/dev
          src: fr
          trg: en
        training:
          learning_rate: 0.01
          batch_size: 16
          max_steps: 5
        """;

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // name, text to replace, replacement, expected part of the message
        { "yaml syntax", "  batch_size: 16", "  batch_size: [16", "config.yaml:10: YAML syntax error" },
        { "unknown key", "  learning_rate: 0.01", "  learnig_rate: 0.01", "config.yaml:9: unknown key 'learnig_rate' in training" },
        { "wrong type", "  batch_size: 16", "  batch_size: lots", "config.yaml:10: training.batch_size" },
        { "missing required", "  dev: corpus/dev\n", "", "data.dev" },
        { "learning rate beyond float32", "  learning_rate: 0.01", "  learning_rate: 3.0e38", "config.yaml:9: training.learning_rate: 3.0e+38 is too large" },
        { "missing corpus file", "  dev: corpus/dev", "  dev: corpus/nowhere", "config.yaml:5: data.dev: no file corpus/nowhere.fr" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadConfigIsOneLineAndLeavesModelDirUntouched(string name, string find, string replace, string expected)
    {
        string dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "corpus"));
        foreach (string f in new[] { "train.fr", "train.en", "dev.fr", "dev.en" })
            File.WriteAllText(Path.Combine(dir, "corpus", f), "un chat\nle chien\n");
        string model = Path.Combine(dir, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "best.ckpt"), "precious");
        var before = Snapshot(model);
        string yaml = Good.Replace("\r\n", "\n");
        Assert.Contains(find, yaml);
        File.WriteAllText(Path.Combine(dir, "config.yaml"), yaml.Replace(find, replace));

        string line = Cli.AssertUserError(Cli.Run(dir, "train", "config.yaml", "--overwrite"));

        Assert.Contains(expected, line);
        Assert.StartsWith("seq2seq: config.yaml", line);
        Assert.Equal(before, Snapshot(model));
        if (name == "unknown key") Assert.Contains("did you mean 'learning_rate'?", line);
    }

    [Fact]
    public void MissingConfigFileIsOneLine()
    {
        string dir = TestPaths.NewTempDir();
        string line = Cli.AssertUserError(Cli.Run(dir, "train", "nope.yaml"));
        Assert.Contains("nope.yaml", line);
    }

    private static string Snapshot(string dir) => string.Join("\n", Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal).Select(f => $"{f} {(File.Exists(f) ? File.ReadAllText(f) : "<dir>")} {File.GetLastWriteTimeUtc(f):O}"));
}
