using Seq2Seq.Config;
using Seq2Seq.Tests.Training;
using Seq2Seq.Training;

namespace Seq2Seq.Tests.Robustness;

/// <summary>
/// The setup the robustness tests start from: a fresh temporary folder holding the tiny French→English corpus
/// (300 training pairs, 20 dev pairs) and a config that trains on it into <c>Root/model</c>.
/// </summary>
internal sealed record TinyRun(string Root, Seq2SeqConfig Config)
{
    /// <summary>A new folder, corpus and config stopping after <paramref name="maxSteps"/> steps.</summary>
    public static TinyRun Create(int maxSteps)
    {
        string root = TestPaths.NewTempDir();
        return new TinyRun(root, TrainerTests.TinySetup(root, maxSteps));
    }

    /// <summary>The model directory the config trains into.</summary>
    public string ModelDir => Config.ModelDir;

    /// <summary>Writes <paramref name="config"/> (default: this run's config) as <c>Root/config.yaml</c> and returns its path.</summary>
    public string WriteConfig(Seq2SeqConfig? config = null) => Cli.WriteConfig(Root, config ?? Config);

    /// <summary>Trains in-process with <paramref name="config"/> (default: this run's config).</summary>
    public TrainingResult Train(Seq2SeqConfig? config = null, TrainOptions? options = null) =>
        new Trainer(config ?? Config, options ?? new TrainOptions()).Run();

    /// <summary>Runs the CLI in <see cref="Root"/>.</summary>
    public (int Code, string Out, string Err) RunCli(params string[] args) => Cli.Run(Root, args);
}
