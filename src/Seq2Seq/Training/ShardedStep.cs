using System.Diagnostics;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// One optimiser step of a batch: the loss and the gradients of its shards, each on a worker thread, then clipping and
/// the Adam update (<see cref="ClippedAdam"/>, with the moving average of the weights when kept) on the same workers.
/// <para>
/// On the CPU with several threads, the batch is cut into as many shards (every n-th sentence, so each gets the same
/// mix of lengths), each run forward and backward on a thread of its own with libtorch's pool at one thread; the
/// gradients add up in the parameters' .grad (libtorch accumulates under a lock), scaled so that their sum is the
/// gradient of the whole batch's mean token loss. Whole shards on separate cores keep both cores busy where splitting
/// every small operation over them leaves them waiting on each other. With one or two shards the sum is exactly
/// reproducible (addition commutes). Dropout draws from a generator per shard seeded from the seed, step and shard. A
/// shard whose loss is not finite skips its backward pass, and the step is then not taken.
/// </para>
/// </summary>
/// <param name="model">The model trained.</param>
/// <param name="optimizer">Its optimiser.</param>
/// <param name="trainSet">The encoded training pairs that batches index.</param>
/// <param name="workers">The threads that run the shards and the update.</param>
/// <param name="device">Where the model lives.</param>
/// <param name="seed">The run's seed (dropout masks).</param>
/// <param name="labelSmoothing">The loss's label smoothing.</param>
/// <param name="clipGradNorm">The total gradient norm is clipped to this; 0: no clipping.</param>
/// <param name="fastPaths">Whether the decoder's weight gradients are taken once per batch (<see cref="Modeling.Cpu.UnrolledDecoder"/>).</param>
/// <param name="average">The moving average of the weights, moved by the update on the same workers; null: none.</param>
internal sealed class ShardedStep(Seq2SeqModel model, Adam optimizer, EncodedCorpus trainSet, WorkerThreads workers, Device device,
    int seed, double labelSmoothing, double clipGradNorm, bool fastPaths, ExponentialMovingAverage? average = null)
{
    /// <summary>
    /// Computes the loss and gradients of <paramref name="batch"/> (indices into the training set) and, when the loss
    /// is finite, takes the optimiser step; <paramref name="step"/> is the number of steps taken before it.
    /// </summary>
    public StepResult Take(int[] batch, int step)
    {
        model.train();
        using var scope = NewDisposeScope();
        long started = Stopwatch.GetTimestamp();
        // Gradients dropped, not zeroed: the backward pass's first contribution becomes each gradient (no zeroing pass,
        // no adding to zeros), and their memory is free during the forward pass.
        model.zero_grad(set_to_none: true);
        var shards = RunShards(batch, step);
        // Frees the native callback stubs of the batch's custom autograd nodes (UnrolledLinear) now that no thread is
        // inside a TorchSharp call.
        GC.Collect(0);
        long backwarded = Stopwatch.GetTimestamp();
        var result = new StepResult(shards.Sum(r => r.Loss), shards.Sum(r => r.Tokens), shards.Sum(r => r.Sentences));
        if (!float.IsFinite(result.MeanLoss)) return result;
        ClippedAdam.Step(optimizer, clipGradNorm, workers, average: average, stepsBefore: step)?.Dispose(); // clip_grad_norm_, optimizer.step() and the average, on the workers
        // The phases of the first shard stand for all of them; the backward phase runs until the last shard is done.
        long built = started + shards[0].DataTicks, forwarded = built + shards[0].ForwardTicks;
        return result with
        {
            DataTicks = built - started,
            ForwardTicks = forwarded - built,
            BackwardTicks = backwarded - forwarded,
            OptimizerTicks = Stopwatch.GetTimestamp() - backwarded,
        };
    }

    /// <summary>The dropout seed of a shard of a step: a mix of the run's seed, the step and the shard.</summary>
    public static ulong DropoutSeed(int seed, int step, int shard) =>
        unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)step * 0xBF58476D1CE4E5B9UL) ^ ((ulong)(uint)shard * 0x94D049BB133111EBUL));

    /// <summary>What one shard of a batch contributed: its summed loss, sizes and phase times (Stopwatch ticks).</summary>
    private readonly record struct ShardResult(float Loss, int Tokens, int Sentences, long DataTicks, long ForwardTicks);

    private ShardResult[] RunShards(int[] batch, int step)
    {
        int count = Math.Min(workers.Count, batch.Length);
        var shards = Enumerable.Range(0, count).Select(k => batch.Where((_, i) => i % count == k).ToArray()).ToArray();
        int tokens = batch.Sum(i => trainSet.Target[i].Length + 1);                // the whole batch's targets, EOS included
        var results = new ShardResult[count];
        workers.Run(count, k => results[k] = RunShard(k));
        return results;

        ShardResult RunShard(int k)
        {
            using var generator = new Generator(DropoutSeed(seed, step, k), device);   // masks are drawn where the tensors live
            using var dropout = SeededDropout.UseGenerator(generator);
            using var scope = NewDisposeScope();
            long started = Stopwatch.GetTimestamp();
            using var part = Batch.Create(trainSet.Source, trainSet.Target, shards[k], device);
            long built = Stopwatch.GetTimestamp();
            var (value, forwardTicks) = TrainingLoss.LossAndGradients(model, part, labelSmoothing, tokens, fastPaths); // summed over the shard's targets
            return new ShardResult(value, part.TrgTokens, part.Size, built - started, forwardTicks);
        }
    }
}
