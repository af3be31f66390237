using Seq2Seq.Config;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Checkpoint averaging: a new model directory whose <c>best.ckpt</c> holds the element-wise mean of the weights of
/// several checkpoints of one model (the config and vocabularies of that model), which translate, test and chat load
/// like any other. Every checkpoint must have the model's shapes and come from a directory with the same vocabulary
/// files; otherwise nothing is written and the error names the two files and the first difference.
/// </summary>
public static class CheckpointAverage
{
    /// <summary>
    /// The <paramref name="count"/> newest best checkpoints of <paramref name="modelDirectory"/>: the <c>best.&lt;step&gt;.ckpt</c>
    /// files that <c>training.keep_best_ckpts</c> keeps (the newest is <c>best.ckpt</c>'s copy), newest first; with
    /// none kept, <c>best.ckpt</c> alone.
    /// </summary>
    /// <exception cref="UserErrorException">The directory keeps fewer best checkpoints than asked for.</exception>
    public static IReadOnlyList<string> Best(string modelDirectory, int count)
    {
        var dir = new ModelDirectory(modelDirectory);
        var kept = dir.BestCheckpointsByStep().ToList();
        if (kept.Count == 0 && File.Exists(dir.BestCheckpoint)) kept.Add(dir.BestCheckpoint);
        if (kept.Count < count)
            throw new UserErrorException($"{dir.Path}: keeps {kept.Count} best checkpoints, fewer than --best {count} (raise training.keep_best_ckpts)");
        return kept[..count];
    }

    /// <summary>The <paramref name="count"/> newest periodic checkpoints (<c>training.save_freq</c>), newest first.</summary>
    /// <exception cref="UserErrorException">The directory keeps fewer periodic checkpoints than asked for.</exception>
    public static IReadOnlyList<string> Last(string modelDirectory, int count)
    {
        var kept = new ModelDirectory(modelDirectory).PeriodicCheckpoints();
        if (kept.Count < count)
            throw new UserErrorException($"{modelDirectory}: keeps {kept.Count} periodic checkpoints, fewer than --last {count} (set training.save_freq and training.keep_last_ckpts)");
        return kept.Take(count).ToList();
    }

    /// <summary>
    /// Writes into <paramref name="outputDirectory"/> (refused when it holds files, unless <paramref name="overwrite"/>) the
    /// model of <paramref name="modelDirectory"/> with the mean of <paramref name="checkpoints"/>' weights as <c>best.ckpt</c>.
    /// </summary>
    /// <exception cref="UserErrorException">A checkpoint is unreadable, of other shapes or vocabularies, or the output exists.</exception>
    public static void Write(string modelDirectory, IReadOnlyList<string> checkpoints, string outputDirectory, bool overwrite = false)
    {
        if (checkpoints.Count == 0) throw new UserErrorException("no checkpoint to average");
        var dir = new ModelDirectory(modelDirectory);
        if (!File.Exists(dir.ConfigFile)) throw new UserErrorException($"{dir.ConfigFile}: missing; is {dir.Path} a model directory written by 'seq2seq train'?");
        var output = new ModelDirectory(outputDirectory);
        if (Path.GetFullPath(output.Path).TrimEnd('/') == Path.GetFullPath(dir.Path).TrimEnd('/'))
            throw new UserErrorException($"{output.Path}: the output must be another directory than the model's");
        if (output.HasContent && !overwrite) throw new UserErrorException($"{output.Path}: already holds files (pass --overwrite to replace them)");
        foreach (var file in checkpoints) SameVocabulary(dir, file, checkpoints[0]);
        var config = ConfigLoader.Load(dir.ConfigFile);
        var (src, trg) = dir.LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel);
        using var noGrad = no_grad();
        using var mean = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
        var sums = mean.parameters().Select(p => zeros_like(p, dtype: ScalarType.Float64)).ToArray();
        TrainingState? newest = null;
        foreach (var file in checkpoints)
        {
            using var model = new Seq2SeqModel(config.Model, src.VocabSize, trg.VocabSize);
            TrainingState state;
            try
            {
                state = Checkpoint.Load(file, model);
            }
            catch (UserErrorException e) when (file != checkpoints[0])
            {
                throw new UserErrorException($"{file}: other shapes than {checkpoints[0]} ({e.Message})");
            }
            if (newest is null || state.Step > newest.Step) newest = state;
            foreach (var (sum, p) in sums.Zip(model.parameters())) sum.add_(p.to(ScalarType.Float64), ScalarConstants.One);
        }
        using (Scalar count = checkpoints.Count)                                 // held (see ScalarConstants)
            foreach (var (sum, p) in sums.Zip(mean.parameters())) p.copy_(sum.div(count));
        foreach (var sum in sums) sum.Dispose();
        Directory.CreateDirectory(output.Path);
        if (overwrite) output.RemoveRunFiles();
        File.Copy(dir.ConfigFile, output.ConfigFile, overwrite: true);
        foreach (var file in dir.TokenizerFiles.Where(File.Exists))
            File.Copy(file, Path.Combine(output.Path, Path.GetFileName(file)), overwrite: true);
        Checkpoint.Save(output.BestCheckpoint, mean, newest! with { Score = null }, optimizer: null);
    }

    /// <summary>Refuses a checkpoint whose directory's vocabulary files differ from the model's.</summary>
    private static void SameVocabulary(ModelDirectory dir, string file, string first)
    {
        if (!File.Exists(file)) throw new UserErrorException($"{file}: no such checkpoint");
        var other = new ModelDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        foreach (var own in dir.TokenizerFiles.Where(File.Exists))
        {
            string theirs = Path.Combine(other.Path, Path.GetFileName(own));
            if (!File.Exists(theirs) || !File.ReadAllBytes(own).AsSpan().SequenceEqual(File.ReadAllBytes(theirs)))
                throw new UserErrorException($"{file}: its vocabulary differs from {first}'s ({Path.GetFileName(own)} of {dir.Path})");
        }
    }
}
