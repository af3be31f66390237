using System.Diagnostics;
using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Observability;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Trains a <see cref="CharLanguageModel"/> on one text file by truncated backpropagation through time, as
/// min-char-rnn does: the text is laid out as <c>batch_size</c> parallel streams (<see cref="CharStreams"/>) read
/// in chunks of <c>seq_length</c> characters; each step predicts every next character of one chunk per stream,
/// back-propagates through that chunk only, clips the gradient and takes an Adam step. The hidden state after a
/// chunk, cut from its graph, starts the next chunk; when the streams wrap around to the start of the text it is
/// reset to zeros. Reports the loss per character every <c>logging_freq</c> steps and a sample every
/// <c>sample_freq</c> steps, when it also writes the weights.
/// </summary>
public sealed class CharLanguageModelTrainer
{
    private readonly LanguageModelConfig config;
    private readonly LanguageModelTrainOptions options;
    private readonly IProgress<TrainingEvent>? progress;
    private readonly ModelDirectory dir;

    /// <summary>Creates a trainer; nothing is read or written until <see cref="Run"/>.</summary>
    public CharLanguageModelTrainer(LanguageModelConfig config, LanguageModelTrainOptions options, IProgress<TrainingEvent>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        this.config = config;
        this.options = options;
        this.progress = progress;
        dir = new ModelDirectory(config.ModelDir);
    }

    /// <summary>
    /// Called after every step with the step's number, the state it started from (null: zeros) and the state its
    /// chunk ended in, while both are alive; lets tests watch what is carried from chunk to chunk.
    /// </summary>
    internal Action<int, CharLanguageModelState?, CharLanguageModelState>? StepObserver { get; set; }

    /// <summary>Trains until <c>max_steps</c> or <c>max_minutes</c> is reached or <paramref name="cancel"/> fires.</summary>
    /// <exception cref="UserErrorException">Another run holds the model directory, it holds files (without overwrite), the text is unusable, or a file cannot be written.</exception>
    public LanguageModelTrainingResult Run(CancellationToken cancel = default)
    {
        using var observers = new TrainingObservers(progress);
        using var directory = new RunDirectory(dir, observers);
        if (dir.HasContent && !options.Overwrite)
            throw new UserErrorException($"{dir.Path}: model directory already holds files; use --overwrite to start over");
        if (config.Threads > 0) set_num_threads(config.Threads);
        var device = ComputeDevice.Resolve(options.Device ?? config.Device.YamlName());
        random.manual_seed(config.Seed);

        // Everything that can be wrong with the text is found before the model directory is created or touched.
        string text = TextFile.ReadAllText(config.Data);
        var vocabulary = CharVocabulary.FromText(text);
        var ids = vocabulary.Encode(text);
        var t = config.Training;
        if (ids.Length < Math.Max(2, t.BatchSize))
            throw new UserErrorException($"{config.Data}: {ids.Length} character{(ids.Length == 1 ? "" : "s")}, too few to learn from " +
                $"(at least 2{(t.BatchSize > 2 ? $", and one per stream of training.batch_size {t.BatchSize}" : "")})");
        var streams = new CharStreams(ids, t.BatchSize, t.SeqLength);

        // The old run's weights and log go first, so that none of them is paired with the new vocabulary.
        directory.Open(resume: false, () =>
        {
            AtomicFile.WriteAllText(dir.ConfigFile, ConfigLoader.ToYaml(config));
            vocabulary.Save(dir.CharVocabularyFile);
        });
        observers.Start(dir, t.Tensorboard, curves: false, resumedAt: null);
        directory.Notice($"{config.Name}: {config.Data}: {ids.Length:N0} characters, {vocabulary.Size} distinct; device {device.type}, {get_num_threads()} thread{(get_num_threads() == 1 ? "" : "s")}, seed {config.Seed}");
        directory.Notice($"{streams.Batch} stream{(streams.Batch > 1 ? "s" : "")} of {streams.Length:N0} characters, read in {streams.Chunks:N0} chunk{(streams.Chunks > 1 ? "s" : "")} " +
            $"of up to {streams.SeqLength} a pass{(streams.UnusedPairs > 0 ? $" ({streams.UnusedPairs} characters at the end unused)" : "")}");

        using var model = new CharLanguageModel(config.Model, vocabulary.Size);
        model.to(device);
        var m = config.Model;
        directory.Notice($"model: {m.Layers} × {m.RnnType.YamlName()} {m.Hidden}, {(m.EmbeddingDim > 0 ? $"embedding {m.EmbeddingDim}" : "one-hot input")}, " +
            $"{model.ParameterCount():N0} parameters");
        using var optimizer = optim.Adam(model.parameters(), lr: t.LearningRate);
        using var inputs = tensor(streams.Inputs, device: device).view(streams.Batch, streams.Length);   // (B, L)
        using var targets = tensor(streams.Targets, device: device).view(streams.Batch, streams.Length); // (B, L)
        using var sampler = new CharSampler(model, vocabulary);

        var clock = Stopwatch.StartNew();
        var window = new LossWindow();
        CharLanguageModelState? state = null;
        int step = 0, pass = 1, chunk = 0, lastSample = 0;
        string? stop = null;
        bool interrupted = false, diverged = false;
        double? lastLoss = null;
        try
        {
            while (stop is null)
            {
                if (cancel.IsCancellationRequested)
                {
                    (stop, interrupted) = ("interrupted", true);
                    break;
                }
                var (start, length) = streams.Chunk(chunk);
                bool lastChunk = chunk == streams.Chunks - 1;
                model.train();
                float loss;
                CharLanguageModelState? carried;
                using (var scope = NewDisposeScope())
                {
                    var x = inputs.narrow(1, start, length);                       // (B, T)
                    var y = targets.narrow(1, start, length);                      // (B, T)
                    var (logits, next) = model.call(x, state);                     // (B, T, V), (layers, B, H)
                    var mean = nn.functional.cross_entropy(logits.reshape(-1, vocabulary.Size), y.reshape(-1)); // () per character
                    loss = mean.item<float>();
                    if (!float.IsFinite(loss))
                    {
                        (stop, diverged) = ($"the loss is {loss} at step {step + 1}; lower training.learning_rate or set training.clip_grad_norm", true);
                        break;
                    }
                    optimizer.zero_grad();
                    mean.backward();
                    if (t.ClipGradNorm > 0) nn.utils.clip_grad_norm_(model.parameters(), t.ClipGradNorm);
                    optimizer.step();
                    // The state the next chunk starts from: the same values, cut from this chunk's graph. After the
                    // last chunk the streams wrap around to the start of the text, where the state is zeros again.
                    carried = lastChunk ? null : next.Detach().MoveToOuterDisposeScope();
                    StepObserver?.Invoke(step + 1, state, next);
                }
                state?.Dispose();
                state = carried;
                step++;
                window.Add(loss, streams.Batch * length);
                int done = chunk + 1, ofPass = pass;                               // where this step was
                (chunk, pass) = lastChunk ? (0, pass + 1) : (chunk + 1, pass);

                stop = LimitReached(step, clock.Elapsed);
                if (step % t.LoggingFreq == 0 || stop is not null)
                {
                    var report = window.Report(step, ofPass, done, streams.Chunks, clock.Elapsed, Eta(step, clock.Elapsed));
                    lastLoss = report.Loss;
                    observers.Report(report);
                    directory.Log($"step {report.Step} pass {report.Pass} loss {report.Loss:F4} ({report.CharactersPerSecond:F0} characters/s)");
                }
                if (t.SampleFreq > 0 && step % t.SampleFreq == 0 && stop is null)
                {
                    ShowSample(directory, observers, sampler, step);
                    lastSample = step;
                    SaveWeights(model, step, clock.Elapsed);
                }
            }
        }
        finally
        {
            state?.Dispose();
        }
        if (step > 0 && !diverged)
        {
            if (lastSample != step) ShowSample(directory, observers, sampler, step);
            SaveWeights(model, step, clock.Elapsed);
        }
        directory.Notice($"stopped: {stop}; {step} step{(step == 1 ? "" : "s")}{(lastLoss is double l ? $", loss {l:F4} per character" : "")}");
        return new LanguageModelTrainingResult(stop!, step, lastLoss, interrupted, diverged);
    }

    private string? LimitReached(int step, TimeSpan elapsed)
    {
        var t = config.Training;
        if (t.MaxSteps > 0 && step >= t.MaxSteps) return $"max_steps {t.MaxSteps} reached";
        if (t.MaxMinutes > 0 && elapsed.TotalMinutes >= t.MaxMinutes) return $"max_minutes {t.MaxMinutes} reached";
        return null;
    }

    private TimeSpan? Eta(int step, TimeSpan elapsed)
    {
        var t = config.Training;
        double fraction = 0;
        if (t.MaxSteps > 0) fraction = Math.Max(fraction, (double)step / t.MaxSteps);
        if (t.MaxMinutes > 0) fraction = Math.Max(fraction, elapsed.TotalMinutes / t.MaxMinutes);
        return fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - Math.Min(1, fraction)) / fraction) : null;
    }

    private void ShowSample(RunDirectory directory, IProgress<TrainingEvent> observers, CharSampler sampler, int step)
    {
        var t = config.Training;
        if (t.SampleLength == 0) return;
        // A generator of its own (seeded by the run's seed and the step) leaves the training's random draws as they were.
        string text = sampler.Sample(null, t.SampleLength, t.SampleTemperature, ShardedStep.DropoutSeed(config.Seed, step, 0));
        observers.Report(new LanguageModelSample(step, text));
        directory.Log($"sample at step {step}:\n----\n{text}\n----");
    }

    private void SaveWeights(CharLanguageModel model, int step, TimeSpan elapsed)
    {
        var state = new TrainingState { Step = step, LearningRate = config.Training.LearningRate, ElapsedSeconds = elapsed.TotalSeconds };
        Checkpoint.Save(dir.LanguageModelWeights, model, state, optimizer: null);
    }

    /// <summary>Loss and speed since the last report.</summary>
    private sealed class LossWindow
    {
        private double lossSum;
        private long characters;
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public void Add(float meanLoss, int count)
        {
            lossSum += (double)meanLoss * count;
            characters += count;
        }

        public LanguageModelStepReport Report(int step, int pass, int chunk, int chunks, TimeSpan elapsed, TimeSpan? eta)
        {
            var report = new LanguageModelStepReport(step, pass, chunk, chunks, characters > 0 ? lossSum / characters : double.NaN,
                characters / Math.Max(1e-9, clock.Elapsed.TotalSeconds), elapsed, eta);
            lossSum = 0;
            characters = 0;
            clock.Restart();
            return report;
        }
    }
}
