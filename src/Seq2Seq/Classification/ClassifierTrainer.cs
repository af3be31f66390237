using Seq2Seq.Config;
using Seq2Seq.ModelStore;
using Seq2Seq.Observability;
using Seq2Seq.Text;
using Seq2Seq.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Classification;

/// <summary>
/// Trains a <see cref="SentenceClassifier"/> from a config with the translation trainer's loop (<see cref="TrainingLoop"/>):
/// the same checkpoints, resume, validation schedule, learning-rate plateaus and early stopping; validation scores dev
/// accuracy (or loss).
/// </summary>
public sealed class ClassifierTrainer
{
    private readonly ClassifierConfig config;
    private readonly TrainOptions options;
    private readonly IProgress<TrainingEvent>? progress;
    private readonly ModelDirectory dir;

    /// <summary>Creates a trainer; nothing is read or written until <see cref="Run"/>.</summary>
    public ClassifierTrainer(ClassifierConfig config, TrainOptions options, IProgress<TrainingEvent>? progress = null)
    {
        this.config = config;
        this.options = options;
        this.progress = progress;
        dir = new ModelDirectory(config.ModelDir);
    }

    /// <summary>Trains until a limit is reached, early stopping triggers or <paramref name="cancel"/> fires.</summary>
    /// <exception cref="UserErrorException">Another run holds the model directory, the inputs are unusable, or a file cannot be written.</exception>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        using var observers = new TrainingObservers(progress);
        using var directory = new RunDirectory(dir, observers);
        TrainingLoop.CheckModelDirectory(dir, options, ShapeDifferences);
        if (config.Threads > 0) set_num_threads(config.Threads);
        var device = ComputeDevice.Resolve(options.Device ?? config.Device.YamlName());
        random.manual_seed(config.Seed);
        var d = config.Data;
        var trainText = LabeledCorpus.Read($"{d.Train}.{d.Text}", $"{d.Train}.{d.Labels}", d.Lowercase);
        var devText = LabeledCorpus.Read($"{d.Dev}.{d.Text}", $"{d.Dev}.{d.Labels}", d.Lowercase);
        directory.Notice($"{config.Name}: {trainText.Count} training and {devText.Count} dev sentences, device {device.type}, {get_num_threads()} threads, seed {config.Seed}");
        var labels = options.Resume ? LabelSet.Load(dir.LabelsFile) : LabelSet.From(trainText.Labels);
        var tokenizer = options.Resume
            ? TextTokenizer.Load(d.Tokens, dir.Path, ModelDirectory.SourcePrefix)
            : TextTokenizer.Learn(d.Tokens, trainText.Sentences, d.VocabSize, d.MinFrequency);
        var train = Encode(trainText, tokenizer, labels, $"{d.Train}.{d.Labels}", d.MaxLength);
        var dev = Encode(devText, tokenizer, labels, $"{d.Dev}.{d.Labels}", maxLength: 0);
        if (train.Count == 0) throw new UserErrorException($"{d.Train}.{d.Text}: no sentence within data.max_length {d.MaxLength} tokens");
        directory.Notice($"vocabulary: {tokenizer.VocabSize} {TextTokenizer.LevelName(tokenizer.Level)} tokens; labels: {string.Join(", ", labels.Names)}" +
            (train.Count < trainText.Count ? $"; {trainText.Count - train.Count} training sentences over data.max_length skipped" : ""));
        directory.Open(options.Resume, () =>
        {
            tokenizer.Save(dir.Path, ModelDirectory.SourcePrefix);
            labels.Save(dir.LabelsFile);
        });
        var model = new SentenceClassifier(config.Model, tokenizer.VocabSize, labels.Count);
        model.to(device);
        var t = config.Training;
        var (optimizer, state, average) = TrainingLoop.Start(directory, model, t, options.Resume, ConfigLoader.ToYaml(config), ClassificationTask.MetricsHeader);
        observers.Start(dir, t.Tensorboard, curves: false, options.Resume ? state.Step : null);
        using var workers = new WorkerThreads(device.type == DeviceType.CPU ? get_num_threads() : 1);
        var task = new ClassificationTask(model, optimizer, train, dev, labels, workers, device, config, average);
        return new TrainingLoop(t, directory, task, optimizer, average).Run(state, options.Resume, cancel);
    }

    /// <summary>The keys of the model's shape (the network, the tokens) that differ from those the directory was trained with.</summary>
    private IReadOnlyList<string> ShapeDifferences()
    {
        string[] tokenKeys = ["data.lowercase", "data.tokens", "data.vocab_size", "data.min_frequency"];
        return [.. ConfigLoader.Differences(ConfigLoader.LoadClassifier(dir.ConfigFile), config, "model", "data")
            .Where(k => k.StartsWith("model.", StringComparison.Ordinal) || tokenKeys.Any(t => k.StartsWith(t + ":", StringComparison.Ordinal)))];
    }

    /// <summary>The ids and label indices of <paramref name="corpus"/>, without the sentences over <paramref name="maxLength"/> tokens (0: no limit).</summary>
    private static EncodedSentences Encode(LabeledCorpus corpus, TextTokenizer tokenizer, LabelSet labels, string labelPath, int maxLength)
    {
        var all = labels.Indices(corpus.Labels, labelPath);
        var ids = new List<int[]>();
        var kept = new List<int>();
        for (int i = 0; i < corpus.Count; i++)
        {
            var row = tokenizer.Encode(corpus.Sentences[i]);
            if (row.Length == 0 || (maxLength > 0 && row.Length > maxLength)) continue;
            ids.Add(row);
            kept.Add(all[i]);
        }
        return new EncodedSentences(ids, [.. kept]);
    }
}
