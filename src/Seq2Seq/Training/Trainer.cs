using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Observability;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Trains a <see cref="Seq2SeqModel"/> from a config: learns subwords, batches the corpus, runs Adam with
/// clipping, validates every <c>validation_freq</c> steps (loss, perplexity, greedy BLEU), schedules the
/// learning rate on plateaus, stops early, and writes checkpoints that a killed run can resume from.
/// </summary>
public sealed class Trainer
{
    private readonly Seq2SeqConfig config;
    private readonly TrainOptions options;
    private readonly IProgress<TrainingEvent>? progress;
    private readonly ModelDirectory dir;

    /// <summary>Creates a trainer; nothing is read or written until <see cref="Run"/>.</summary>
    public Trainer(Seq2SeqConfig config, TrainOptions options, IProgress<TrainingEvent>? progress = null)
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
        TrainingLoop.CheckModelDirectory(dir, options, () => ConfigLoader.Differences(ConfigLoader.Load(dir.ConfigFile), config, "model", "subwords"));
        if (config.Threads > 0) set_num_threads(config.Threads);
        var device = ComputeDevice.Resolve(options.Device ?? config.Device.YamlName());
        random.manual_seed(config.Seed);
        var data = TrainingData.Prepare(config, options.Resume, directory, device);
        directory.Open(options.Resume, () => dir.SaveTokenizers(data.Source, data.Target));
        var t = config.Training;
        var model = new Seq2SeqModel(config.Model, data.Source.VocabSize, data.Target.VocabSize);
        model.to(device);
        var (optimizer, state, average) = TrainingLoop.Start(directory, model, t, options.Resume, ConfigLoader.ToYaml(config), RunDirectory.TranslationMetricsHeader);
        observers.Start(dir, t.Tensorboard, curves: true, options.Resume ? state.Step : null);
        var sampler = new BatchSampler(data.Train.Source, data.Train.Target, t.BatchSize, t.BatchType == BatchType.Tokens, config.Seed);
        using var workers = new WorkerThreads(device.type == DeviceType.CPU ? get_num_threads() : 1);
        bool fastPaths = options.FastPaths ?? config.FastPaths;                  // the plain model when false
        var step = new ShardedStep(model, optimizer, data.Train, workers, device, config.Seed, t.LabelSmoothing, t.ClipGradNorm, fastPaths, average);
        var validator = new Validator(data.DevSet, data.Dev, data.Target, device, config.Testing, workers, fastPaths);
        var task = new TranslationTask(model, sampler, step, validator);
        return new TrainingLoop(t, directory, task, optimizer, average).Run(state, options.Resume, cancel);
    }
}
