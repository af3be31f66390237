using System.Diagnostics;
using System.Globalization;
using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Evaluation;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>How a training run starts.</summary>
/// <param name="Resume">Continue from <c>last.ckpt</c> in the model directory.</param>
/// <param name="Overwrite">Start over in a model directory that already holds files.</param>
/// <param name="Device">Overrides the config's device (<c>cpu</c>, <c>cuda</c>, <c>auto</c>).</param>
public sealed record TrainOptions(bool Resume = false, bool Overwrite = false, string? Device = null);

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
    private StreamWriter? log;
    private readonly List<string> pendingLog = [];

    /// <summary>Creates a trainer; nothing is read or written until <see cref="Run"/>.</summary>
    public Trainer(Seq2SeqConfig config, TrainOptions options, IProgress<TrainingEvent>? progress = null)
    {
        this.config = config;
        this.options = options;
        this.progress = progress;
        dir = new ModelDirectory(config.ModelDir);
    }

    /// <summary>Trains until a limit is reached, early stopping triggers or <paramref name="cancel"/> fires.</summary>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        CheckModelDirectory();
        if (config.Threads > 0) set_num_threads(config.Threads);
        var device = ComputeDevice.Resolve(options.Device ?? config.Device.YamlName());
        random.manual_seed(config.Seed);

        // Everything that can be wrong with the inputs is found before the model directory is created or touched.
        var train = ParallelCorpus.Read(config.Data.Train, config.Data.Src, config.Data.Trg, config.Data.Lowercase);
        var dev = ParallelCorpus.Read(config.Data.Dev, config.Data.Src, config.Data.Trg, config.Data.Lowercase);
        Notice($"{config.Name}: {config.Data.Src}→{config.Data.Trg}, device {device.type}, {get_num_threads()} threads, seed {config.Seed}");
        var (srcTok, trgTok) = PrepareSubwords(train);
        var trainSet = train.Encode(srcTok, trgTok, config.Data.MaxLength);
        if (trainSet.Count == 0)
            throw new UserErrorException($"{config.Data.Train}.{config.Data.Src}/.{config.Data.Trg}: no usable sentence pair ({trainSet.Report})" +
                (trainSet.Report.SkippedTooLong > 0 ? $"; data.max_length {config.Data.MaxLength} counts {Units(srcTok.Level)} on the source side and {Units(trgTok.Level)} on the target side" : ""));
        var devSet = dev.Encode(srcTok, trgTok, maxLength: 0);
        if (devSet.Count == 0)
            throw new UserErrorException($"{config.Data.Dev}.{config.Data.Src}/.{config.Data.Trg}: no usable sentence pair for validation ({devSet.Report})");

        PrepareModelDirectory(srcTok, trgTok);
        using var logWriter = OpenLog();
        log = logWriter;
        foreach (var line in pendingLog) Log(line);
        pendingLog.Clear();
        var data = new DataReport(trainSet.Report, devSet.Report, srcTok.Level, trgTok.Level, srcTok.VocabSize, trgTok.VocabSize);
        progress?.Report(data);
        Log(data.ToString());
        Log(data.UnknownShares());
        if (trainSet.Report.SkippedTooLong * 4 > trainSet.Report.Read)   // a quarter: most likely a max_length meant for another token level
            Notice($"{trainSet.Report.SkippedTooLong} of {trainSet.Report.Read} training pairs are longer than data.max_length {config.Data.MaxLength} " +
                $"({Units(srcTok.Level)} / {Units(trgTok.Level)}) and are skipped; raise it to train on them", warning: true);

        var model = new Seq2SeqModel(config.Model, srcTok.VocabSize, trgTok.VocabSize);
        model.to(device);
        var t = config.Training;
        var optimizer = optim.Adam(model.parameters(), lr: t.LearningRate, beta1: t.Betas[0], beta2: t.Betas[1],
            weight_decay: t.WeightDecay);
        var state = new TrainingState { LearningRate = t.LearningRate };
        if (options.Resume)
        {
            state = Checkpoint.Load(dir.LastCheckpoint, model, optimizer);
            TrainingState.RestoreTorchRng(state.TorchRngState);
            SetLearningRate(optimizer, state.LearningRate);
            Notice($"resumed from {dir.LastCheckpoint} at step {state.Step} (epoch {state.Epoch}, batch {state.BatchInEpoch})");
        }
        else
        {
            AtomicFile.WriteAllText(dir.ConfigFile, ConfigLoader.ToYaml(config));
            WriteOrFail(dir.MetricsFile, () => File.WriteAllText(dir.MetricsFile, "step\tepoch\tlearning_rate\tdev_loss\tdev_ppl\tdev_bleu\tbest\n"));
        }
        Notice($"model: {model.ParameterCount():N0} parameters");

        var sampler = new BatchSampler(trainSet.Source, trainSet.Target, t.BatchSize, t.BatchType == BatchType.Tokens, config.Seed);
        var run = new RunState(state, Stopwatch.StartNew());
        int badInARow = 0;
        int lastValidated = options.Resume ? state.Step : -1;
        string? stop = null;
        bool interrupted = false;
        var window = new Window();
        using var workers = new WorkerThreads(device.type == DeviceType.CPU ? get_num_threads() : 1);

        while (stop is null)
        {
            var batches = sampler.EpochBatches(run.State.Epoch);
            for (int b = run.State.BatchInEpoch; b < batches.Count && stop is null; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    stop = "interrupted";
                    interrupted = true;
                    break;
                }
                model.train();
                using (var scope = NewDisposeScope())
                {
                    long started = Stopwatch.GetTimestamp();
                    // Gradients dropped, not zeroed: the backward pass's first contribution becomes each gradient (no
                    // zeroing pass, no adding to zeros), and their memory is free during the forward pass.
                    model.zero_grad(set_to_none: true);
                    var shards = RunShards(workers, model, trainSet, batches[b], device, t.LabelSmoothing, run.State.Step);
                    // Frees the native callback stubs of the batch's custom autograd nodes (UnrolledLinear), now that no
                    // thread is inside a TorchSharp call: under a millisecond, and about 50 MiB less per shard.
                    GC.Collect(0);
                    long backwarded = Stopwatch.GetTimestamp();
                    int tokens = shards.Sum(r => r.Tokens);
                    float lossSum = shards.Sum(r => r.Loss);
                    float value = lossSum / tokens;
                    run.State = run.State with { BatchInEpoch = b + 1 };
                    if (!float.IsFinite(value))
                    {
                        badInARow++;
                        run.State = run.State with { SkippedBadLosses = run.State.SkippedBadLosses + 1 };
                        Notice($"step {run.State.Step + 1}: loss is {value}; batch skipped ({badInARow} in a row, {run.State.SkippedBadLosses} in all)", warning: true);
                        if (badInARow >= t.MaxBadLossesInARow)
                            stop = $"{badInARow} non-finite losses in a row (training.max_bad_losses_in_a_row); lower the learning rate or check the data";
                        continue;
                    }
                    badInARow = 0;
                    ClippedAdam.Step(optimizer, t.ClipGradNorm, workers)?.Dispose(); // clip_grad_norm_ and optimizer.step(), on the workers
                    window.Add(lossSum, tokens, shards.Sum(r => r.Sentences));
                    // The phases of the first shard stand for all of them; the backward phase runs until the last shard is done.
                    long built = started + shards[0].DataTicks, forwarded = built + shards[0].ForwardTicks;
                    window.AddPhases(started, built, forwarded, backwarded, Stopwatch.GetTimestamp());
                }
                run.State = run.State with { Step = run.State.Step + 1 };
                int step = run.State.Step;
                if (step % t.LoggingFreq == 0)
                {
                    var report = window.Report(run, b + 1, batches.Count, t); // also without a progress listener
                    progress?.Report(report);
                    Log(FormatStep(report));
                }
                if (step % t.ValidationFreq == 0)
                {
                    stop = Validate(model, optimizer, devSet, dev, trgTok, device, run, workers);
                    lastValidated = step;
                    SaveLast(model, optimizer, run);
                }
                stop ??= LimitReached(run);
            }
            if (stop is null)
            {
                run.State = run.State with { Epoch = run.State.Epoch + 1, BatchInEpoch = 0 };
                if (t.Epochs > 0 && run.State.Epoch > t.Epochs) stop = $"{t.Epochs} epochs done";
            }
        }
        if (!interrupted && lastValidated != run.State.Step && run.State.Step > 0)
            Validate(model, optimizer, devSet, dev, trgTok, device, run, workers);
        SaveLast(model, optimizer, run);
        Notice($"stopped: {stop}; {run.State.Step} steps; best {(run.State.BestScore is double s ? ScoreText(s) : "none")} at step {run.State.BestStep}");
        log = null;
        return new TrainingResult(stop!, run.State.Step, run.State.Epoch, run.State.BestScore, run.State.BestStep, interrupted,
            Diverged: badInARow >= t.MaxBadLossesInARow);
    }

    /// <summary>What one shard of a batch contributed: its summed loss, sizes and phase times (Stopwatch ticks).</summary>
    private readonly record struct ShardResult(float Loss, int Tokens, int Sentences, long DataTicks, long ForwardTicks);

    /// <summary>
    /// Computes the loss and the gradients of one batch. On the CPU with several threads, the batch is cut into as
    /// many shards (every n-th sentence, so each gets the same mix of lengths), each run forward and backward on a
    /// thread of its own with libtorch's pool at one thread; the gradients add up in the parameters' .grad (libtorch
    /// accumulates under a lock), scaled so that their sum is the gradient of the whole batch's mean token loss.
    /// Whole shards on separate cores keep both cores busy where splitting every small operation over them leaves
    /// them waiting on each other. With one or two shards the sum is exactly reproducible (addition commutes).
    /// Dropout draws from a generator per shard seeded from the seed, step and shard. A shard whose loss is not
    /// finite skips its backward pass; the caller then drops the whole step.
    /// </summary>
    private ShardResult[] RunShards(WorkerThreads workers, Seq2SeqModel model, EncodedCorpus trainSet, int[] batch, Device device,
        double labelSmoothing, int step)
    {
        int count = Math.Min(workers.Count, batch.Length);
        var shards = Enumerable.Range(0, count).Select(k => batch.Where((_, i) => i % count == k).ToArray()).ToArray();
        int tokens = batch.Sum(i => trainSet.Target[i].Length + 1);                // the whole batch's targets, EOS included
        var results = new ShardResult[count];
        workers.Run(count, k => results[k] = RunShard(k));
        return results;

        ShardResult RunShard(int k)
        {
            using var generator = new Generator(DropoutSeed(config.Seed, step, k), device);   // masks are drawn where the tensors live
            using var dropout = SeededDropout.UseGenerator(generator);
            using var scope = NewDisposeScope();
            long started = Stopwatch.GetTimestamp();
            using var part = Batch.Create(trainSet.Source, trainSet.Target, shards[k], device);
            long built = Stopwatch.GetTimestamp();
            var (value, forwardTicks) = LossAndGradients(model, part, labelSmoothing, tokens);   // summed over the shard's targets
            return new ShardResult(value, part.TrgTokens, part.Size, built - started, forwardTicks);
        }
    }

    /// <summary>The dropout seed of a shard of a step: a mix of the run's seed, the step and the shard.</summary>
    internal static ulong DropoutSeed(int seed, int step, int shard) =>
        unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)step * 0xBF58476D1CE4E5B9UL) ^ ((ulong)(uint)shard * 0x94D049BB133111EBUL));

    /// <summary>Output-layer rows per chunk in training: about 8 MiB of float scores at a vocabulary of 8,000.</summary>
    private const long OutputChunkElements = 1L << 21;

    /// <summary>
    /// Training's forward and backward pass of one batch (shard): returns the cross-entropy summed over its non-pad
    /// targets and the time spent computing forward (Stopwatch ticks); the gradients of the loss divided by
    /// <paramref name="divisor"/> are added to the parameters' .grad, unless the loss is not finite. The output layer and
    /// the loss (the (tokens, vocabulary) scores, their log-softmax and their gradients: the largest tensors of a step)
    /// run in chunks of rows, each chunk forward and backward to the attentional vectors before the next, so only one
    /// chunk's scores exist at a time; then the gradient of the attentional vectors flows back through the decoder and
    /// encoder in one pass. The result equals <see cref="BatchLoss"/>'s and its backward pass.
    /// </summary>
    internal static (float Loss, long ForwardTicks) LossAndGradients(Seq2SeqModel model, Batch batch, double labelSmoothing, int divisor,
        long chunkElements = OutputChunkElements)
    {
        long started = Stopwatch.GetTimestamp();
        var (real, targets) = AttentionalAtTargets(model, batch);                // (N, H), (N)
        long forwardTicks = Stopwatch.GetTimestamp() - started;
        using var leaf = real.detach().requires_grad_(true);                    // (N, H): where the chunks' gradients gather
        // The output layer through copies of its own: each chunk's gradient adds to the shard's sum in chunk order, and
        // the sum goes to the layer once. Chunks of two shards adding to the layer's .grad as they finished would sum
        // in whatever order the threads ran, and runs with the same seed would differ in the last bits.
        var decoder = model.Decoder;
        using var weight = decoder.OutputWeight.detach().requires_grad_(true);  // (V, H)
        using var bias = decoder.OutputBias.detach().requires_grad_(true);      // (V)
        long rows = real.shape[0], chunk = Math.Max(1, chunkElements / decoder.VocabSize);
        var total = zeros(1, device: real.device);                               // (1)
        for (long start = 0; start < rows; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long t0 = Stopwatch.GetTimestamp();
            long end = Math.Min(rows, start + chunk);
            var logits = decoder.Logits(leaf.narrow(0, start, end - start), weight, bias); // (n, V)
            var loss = nn.functional.cross_entropy(logits, targets.narrow(0, start, end - start), reduction: nn.Reduction.Sum,
                label_smoothing: labelSmoothing);                                // ()
            total.add_(loss.detach());
            long t1 = Stopwatch.GetTimestamp();
            forwardTicks += t1 - t0;
            (loss / divisor).backward();                                         // leaf.grad[start..end], weight.grad, bias.grad
        }
        float value = total.item<float>();
        if (!float.IsFinite(value)) return (value, forwardTicks);
        AddGradient(decoder.OutputWeight, weight.grad!);
        AddGradient(decoder.OutputBias, bias.grad!);
        real.backward([leaf.grad!]);                                             // through the decoder and encoder
        return (value, forwardTicks);
    }

    private static readonly Lock gradientLock = new();

    /// <summary>
    /// Adds a shard's gradient to <paramref name="parameter"/>'s .grad (takes it over when there is none yet), one
    /// shard at a time. Two shards' sums commute, so the result does not depend on which finishes first.
    /// </summary>
    private static void AddGradient(Tensor parameter, Tensor gradient)
    {
        lock (gradientLock)
        {
            using var noGrad = no_grad();
            using var existing = parameter.grad;
            if (existing is null) parameter.grad = gradient;
            else existing.add_(gradient);
        }
    }

    /// <summary>
    /// Teacher-forced token cross-entropy of a batch, summed over its non-pad targets, with label smoothing. Output
    /// scores are computed at the non-pad positions only: the output layer is the largest matrix product of a
    /// step, and padding would otherwise take a share of it.
    /// </summary>
    public static Tensor BatchLoss(Seq2SeqModel model, Batch batch, double labelSmoothing)
    {
        var (real, targets) = AttentionalAtTargets(model, batch);                // (N, H), (N)
        var logits = model.Decoder.Logits(real);                                 // (N, V)
        return nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing);
    }

    /// <summary>Teacher-forced attentional vectors at the batch's non-pad target positions and those targets: (N, H), (N).</summary>
    private static (Tensor Attentional, Tensor Targets) AttentionalAtTargets(Seq2SeqModel model, Batch batch)
    {
        var attentional = model.Attentional(batch.Src, batch.SrcLengths, batch.TrgIn);  // (B, T, H)
        var real = attentional.view(-1, attentional.shape[^1]).index_select(0, batch.TrgPositions); // (N, H)
        var targets = batch.TrgOut.view(-1).index_select(0, batch.TrgPositions); // (N)
        return (real, targets);
    }

    /// <summary>Token cross-entropy summed over non-pad targets, with label smoothing: (B, T, V), (B, T) → scalar.</summary>
    public static Tensor Loss(Tensor logits, Tensor targets, double labelSmoothing) =>
        nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), targets.view(-1),
            ignore_index: SubwordTokenizer.PadId, reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing);

    private void CheckModelDirectory()
    {
        if (options.Resume)
        {
            if (!File.Exists(dir.LastCheckpoint))
                throw new UserErrorException($"{dir.LastCheckpoint}: nothing to resume (no last checkpoint in model_dir)");
            if (!File.Exists(dir.ConfigFile))
                throw new UserErrorException($"{dir.ConfigFile}: missing; cannot resume a model directory without the config it was trained with");
            var trained = ConfigLoader.Load(dir.ConfigFile);
            var differences = ConfigLoader.Differences(trained, config, "model", "subwords");
            if (differences.Count > 0)
            {
                throw new UserErrorException(
                    $"{dir.Path}: cannot resume: the config's model shape differs from the checkpoint's ({string.Join("; ", differences)}); " +
                    "restore those values or train into a new model_dir");
            }
            return;
        }
        if (dir.HasContent && !options.Overwrite)
        {
            throw new UserErrorException(
                $"{dir.Path}: model directory already holds files; use --resume to continue it or --overwrite to start over");
        }
    }

    private (TextTokenizer Src, TextTokenizer Trg) PrepareSubwords(ParallelCorpus train)
    {
        var s = config.Subwords;
        if (options.Resume)
        {
            return (TextTokenizer.Load(s.SourceLevel, dir.Path, ModelDirectory.SourcePrefix),
                TextTokenizer.Load(s.TargetLevel, dir.Path, ModelDirectory.TargetPrefix));
        }
        var sw = Stopwatch.StartNew();
        var src = TextTokenizer.Learn(s.SourceLevel, train.Source, s.SrcVocabSize, s.MinFrequency);
        var trg = TextTokenizer.Learn(s.TargetLevel, train.Target, s.TrgVocabSize, s.MinFrequency);
        foreach (var (tok, side, file) in new[] { (src, "source", config.Data.Src), (trg, "target", config.Data.Trg) })
        {
            if (tok.VocabSize == TextTokenizer.SpecialTokens.Count)
                throw new UserErrorException($"{config.Data.Train}.{file}: no {Units(tok.Level, singular: true)} occurs subwords.min_frequency " +
                    $"{s.MinFrequency} times: the {side} vocabulary would hold only the special tokens");
        }
        Notice($"built the vocabularies in {sw.Elapsed.TotalSeconds:F1}s: {src.VocabSize} source {Units(src.Level)} ({TextTokenizer.LevelName(src.Level)}), " +
            $"{trg.VocabSize} target {Units(trg.Level)} ({TextTokenizer.LevelName(trg.Level)}), special tokens included");
        return (src, trg);
    }

    /// <summary>What the tokens of a level are called in messages: "subwords", "characters", "words".</summary>
    private static string Units(TokenLevel level, bool singular = false) => (level, singular) switch
    {
        (TokenLevel.Char, false) => "characters",
        (TokenLevel.Char, true) => "character",
        (TokenLevel.Word, false) => "words",
        (TokenLevel.Word, true) => "word",
        (_, false) => "subwords",
        _ => "subword",
    };

    /// <summary>
    /// Creates the model directory (inputs are known good by now). A fresh run with <c>--overwrite</c> first removes
    /// the old run's checkpoints, so none of them can be paired with the new vocabulary; a resumed run removes the
    /// temporary files a killed run may have left behind.
    /// </summary>
    private void PrepareModelDirectory(TextTokenizer srcTok, TextTokenizer trgTok)
    {
        WriteOrFail(dir.Path, () =>
        {
            Directory.CreateDirectory(dir.Path);
            foreach (var stale in Directory.GetFiles(dir.Path, "*.tmp-*"))   // AtomicFile temporaries of a killed run
                File.Delete(stale);
            if (options.Resume) return;
            // The old run's tokenizer files go too: a char or word run writes no merges file to replace a BPE run's.
            var tokenizerFiles = new[] { ModelDirectory.SourcePrefix, ModelDirectory.TargetPrefix }
                .SelectMany(p => new[] { TextTokenizer.VocabularyPath(dir.Path, p), SubwordTokenizer.MergesPath(dir.Path, p) });
            foreach (var old in Directory.GetFiles(dir.Path, "*.ckpt").Append(dir.MetricsFile).Append(dir.TrainLog).Concat(tokenizerFiles))
                File.Delete(old);
            srcTok.Save(dir.Path, ModelDirectory.SourcePrefix);
            trgTok.Save(dir.Path, ModelDirectory.TargetPrefix);
        });
    }

    private StreamWriter OpenLog()
    {
        StreamWriter? writer = null;
        WriteOrFail(dir.TrainLog, () => writer = new StreamWriter(dir.TrainLog, append: options.Resume) { AutoFlush = true });
        return writer!;
    }

    /// <summary>Turns a failed write (full disk, read-only folder) into a one-line user error naming the path.</summary>
    private static void WriteOrFail(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot write ({e.Message})", e);
        }
    }

    /// <summary>True when every weight is a finite number (a model that met a NaN is never saved).</summary>
    private static bool AllFinite(Seq2SeqModel model)
    {
        using var scope = NewDisposeScope();
        foreach (var p in model.parameters())
        {
            if (!isfinite(p).all().item<bool>()) return false;
        }
        return true;
    }

    private string? Validate(Seq2SeqModel model, TorchSharp.Modules.OptimizerHelper optimizer, EncodedCorpus devSet, ParallelCorpus dev,
        TextTokenizer trgTok, Device device, RunState run, WorkerThreads workers)
    {
        var sw = Stopwatch.StartNew();
        var t = config.Training;
        var (loss, bleu) = Evaluate(model, devSet, dev, trgTok, device, config.Testing, workers);
        double score = t.EvalMetric == EvalMetric.Loss ? -loss : bleu;
        var s = run.State;
        bool finite = double.IsFinite(loss) && double.IsFinite(score);
        bool isBest = finite && (s.BestScore is null || score > s.BestScore.Value);
        double lr = s.LearningRate;
        if (isBest)
        {
            s = s with { BestScore = score, BestStep = s.Step, PlateauCount = 0, NoImprovementCount = 0 };
        }
        else
        {
            s = s with { PlateauCount = s.PlateauCount + 1, NoImprovementCount = s.NoImprovementCount + 1 };
            if (s.PlateauCount >= t.Patience && lr > t.MinLr)
            {
                lr = Math.Max(lr * t.DecreaseFactor, t.MinLr);
                SetLearningRate(optimizer, lr);
                s = s with { PlateauCount = 0, LearningRate = lr };
                Notice($"no improvement for {t.Patience} validations: learning rate now {lr:G3}");
            }
        }
        run.State = s;
        if (isBest) SaveBest(model, run, score);
        var report = new ValidationReport(s.Step, s.Epoch, loss, Math.Exp(loss), bleu, isBest, lr, sw.Elapsed.TotalSeconds);
        progress?.Report(report);
        Log($"validation at step {s.Step}: dev loss {loss:F4} ppl {Math.Exp(loss):F2} bleu {bleu:F2}{(isBest ? " (best)" : "")} lr {lr:G3} ({sw.Elapsed.TotalSeconds:F1}s)");
        WriteOrFail(dir.MetricsFile, () => File.AppendAllText(dir.MetricsFile, string.Join('\t', s.Step, s.Epoch, lr.ToString("G6", CultureInfo.InvariantCulture),
            loss.ToString("F5", CultureInfo.InvariantCulture), Math.Exp(loss).ToString("F3", CultureInfo.InvariantCulture),
            bleu.ToString("F2", CultureInfo.InvariantCulture), isBest ? "*" : "") + "\n"));
        if (t.EarlyStoppingPatience > 0 && s.NoImprovementCount >= t.EarlyStoppingPatience)
            return $"early stopping: no improvement in {t.EarlyStoppingPatience} validations";
        return null;
    }

    /// <summary>
    /// Dev loss per target token (no smoothing) and greedy corpus BLEU against the raw dev references, decoded on the
    /// run's <paramref name="workers"/>.
    /// </summary>
    private static (double Loss, double Bleu) Evaluate(Seq2SeqModel model, EncodedCorpus devSet, ParallelCorpus dev,
        TextTokenizer trgTok, Device device, TestingConfig testing, WorkerThreads workers)
    {
        model.eval();
        double total = 0;
        long tokens = 0;
        using (no_grad())
        {
            var order = Enumerable.Range(0, devSet.Count).OrderBy(i => devSet.Source[i].Length).ToArray();
            for (int start = 0; start < order.Length; start += testing.BatchSize)
            {
                using var scope = NewDisposeScope();
                using var batch = Batch.Create(devSet.Source, devSet.Target, order[start..Math.Min(order.Length, start + testing.BatchSize)], device);
                total += BatchLoss(model, batch, 0.0).item<float>();
                tokens += batch.TrgTokens;
            }
        }
        var hyps = BatchDecoding.Decode(model, devSet.Source, new DecodingOptions
        {
            BatchSize = testing.BatchSize,
            MaxLengthRatio = testing.MaxLengthRatio,
            MaxLengthOffset = testing.MaxLengthOffset,
        }, device, workers);
        var text = hyps.Select(h => trgTok.Decode(h.Ids)).ToList();
        var refs = devSet.Lines.Select(i => dev.Target[i]).ToList();            // the references of the kept pairs
        double bleu = Bleu.Corpus(text, [refs]).Score;
        return (total / Math.Max(1, tokens), bleu);
    }

    private void SaveBest(Seq2SeqModel model, RunState run, double score)
    {
        if (!AllFinite(model))
        {
            Notice($"step {run.State.Step}: the weights hold NaN or infinity; not saved as best", warning: true);
            return;
        }
        var s = run.State with { Score = score, TorchRngState = [] };
        Checkpoint.Save(dir.BestCheckpoint, model, s, optimizer: null);
        int keep = config.Training.KeepBestCkpts;
        if (keep > 1)
        {
            // The best.ckpt above is the top one; older bests are kept as best.<step>.ckpt, the newest keep-1 of them.
            Checkpoint.Save(dir.Combine($"best.{s.Step}.ckpt"), model, s, optimizer: null);
            var older = Directory.GetFiles(dir.Path, "best.*.ckpt")
                .Select(f => (File: f, Step: int.TryParse(Path.GetFileName(f).Split('.')[1], out int n) ? n : -1))
                .Where(x => x.Step >= 0).OrderByDescending(x => x.Step).Skip(keep - 1);
            foreach (var (file, _) in older) File.Delete(file);
        }
    }

    private void SaveLast(Seq2SeqModel model, TorchSharp.Modules.OptimizerHelper optimizer, RunState run)
    {
        if (!AllFinite(model))
        {
            Notice($"step {run.State.Step}: the weights hold NaN or infinity; {dir.LastCheckpoint} keeps the last finite ones", warning: true);
            return;
        }
        run.State = run.State with
        {
            ElapsedSeconds = run.ElapsedSeconds,
            TorchRngState = TrainingState.CaptureTorchRng(),
        };
        Checkpoint.Save(dir.LastCheckpoint, model, run.State, optimizer);
    }

    private string? LimitReached(RunState run)
    {
        var t = config.Training;
        if (t.MaxSteps > 0 && run.State.Step >= t.MaxSteps) return $"max_steps {t.MaxSteps} reached";
        if (t.MaxMinutes > 0 && run.ElapsedSeconds >= t.MaxMinutes * 60) return $"max_minutes {t.MaxMinutes} reached";
        return null;
    }

    private static void SetLearningRate(TorchSharp.Modules.OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    private string ScoreText(double score) =>
        config.Training.EvalMetric == EvalMetric.Loss ? $"dev loss {-score:F4}" : $"dev BLEU {score:F2}";

    private void Notice(string message, bool warning = false)
    {
        progress?.Report(new TrainingNotice(message, warning));
        Log((warning ? "WARNING: " : "") + message);
    }

    private void Log(string line)
    {
        if (log is null)
        {
            pendingLog.Add(line); // before the model directory exists; written once the log opens
            return;
        }
        WriteOrFail(dir.TrainLog, () => log.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm:ss} {line}"));
    }

    internal static string FormatStep(StepReport r) =>
        $"epoch {r.Epoch} step {r.Step} batch {r.BatchInEpoch}/{r.BatchesInEpoch} loss {r.Loss:F4} " +
        $"{r.TargetTokensPerSecond:F0} tok/s {r.SentencesPerSecond:F1} sent/s lr {r.LearningRate:G3} ({r.Phases})";

    /// <summary>The mutable part of a run: the training state and the run's clock.</summary>
    private sealed class RunState(TrainingState state, Stopwatch clock)
    {
        private readonly double before = state.ElapsedSeconds;

        public TrainingState State { get; set; } = state;

        public double ElapsedSeconds => before + clock.Elapsed.TotalSeconds;
    }

    /// <summary>Loss and speed since the last report.</summary>
    private sealed class Window
    {
        private double lossSum;
        private long tokens;
        private long sentences;
        private readonly long[] phaseTicks = new long[4];   // data, forward, backward, optimizer
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public TrainingEvent? LastReport { get; private set; }

        public void Add(double loss, long n, int pairs)
        {
            lossSum += loss;
            tokens += n;
            sentences += pairs;
        }

        /// <summary>Adds one step's phase boundaries (Stopwatch timestamps).</summary>
        public void AddPhases(long started, long built, long forwarded, long backwarded, long stepped)
        {
            phaseTicks[0] += built - started;
            phaseTicks[1] += forwarded - built;
            phaseTicks[2] += backwarded - forwarded;
            phaseTicks[3] += stepped - backwarded;
        }

        public StepReport Report(RunState run, int batch, int batches, TrainingConfig t)
        {
            double seconds = Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            var s = run.State;
            double fraction = 0;
            if (t.MaxSteps > 0) fraction = Math.Max(fraction, (double)s.Step / t.MaxSteps);
            if (t.Epochs > 0) fraction = Math.Max(fraction, (s.Epoch - 1 + (double)batch / batches) / t.Epochs);
            if (t.MaxMinutes > 0) fraction = Math.Max(fraction, run.ElapsedSeconds / (t.MaxMinutes * 60));
            TimeSpan? eta = fraction > 0 ? TimeSpan.FromSeconds(run.ElapsedSeconds * (1 - Math.Min(1, fraction)) / fraction) : null;
            var report = new StepReport(s.Epoch, s.Step, batch, batches, tokens > 0 ? lossSum / tokens : double.NaN,
                tokens / seconds, sentences / seconds, s.LearningRate, TimeSpan.FromSeconds(run.ElapsedSeconds), eta,
                new PhaseTimes(Seconds(phaseTicks[0]), Seconds(phaseTicks[1]), Seconds(phaseTicks[2]), Seconds(phaseTicks[3])));
            lossSum = 0;
            tokens = 0;
            sentences = 0;
            Array.Clear(phaseTicks);
            clock.Restart();
            LastReport = report;
            return report;
        }

        private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
    }
}
