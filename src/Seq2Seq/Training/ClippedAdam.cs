using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// Gradient clipping by total norm and the Adam update of a TorchSharp <see cref="Adam"/> optimizer, computed on the
/// training's worker threads in cache-sized slices. The operations are those of <c>nn.utils.clip_grad_norm_</c>
/// followed by <c>optimizer.step()</c>, on every element in the same order; only a large tensor's norm may differ in
/// its last bit, since libtorch sums it in another order on several threads than on the one a worker gives it. The
/// state stays in the optimizer, so checkpoints save and resume it as before.
/// <para>
/// Why: the update is a string of element-wise passes over every parameter (scale the gradient, two moving
/// averages, a square root, a division, the step), 12 million floats each at the reference's sizes. TorchSharp's
/// step makes each pass over a whole tensor and allocates two parameter-sized temporaries per tensor, on the one
/// calling thread (docs/performance.md, "What makes it fast", has its share of a step). Here the parameters are cut into slices of
/// <see cref="SliceElements"/>, each slice's passes run while its five arrays sit in the cache, and the slices are
/// shared out among the worker threads; the norms that clipping needs are likewise taken on the workers.
/// </para>
/// </summary>
internal static class ClippedAdam
{
    /// <summary>Elements per slice: 1 MiB of floats per array, five arrays (parameter, gradient, two averages, denominator).</summary>
    public const long SliceElements = 1L << 18;

    /// <summary>
    /// Clips the gradients to total 2-norm <paramref name="maxNorm"/> (no clipping when it is 0) and takes one Adam
    /// step of <paramref name="optimizer"/>, on <paramref name="workers"/>. Parameters without a gradient are
    /// skipped, as TorchSharp's step does. Returns the total gradient norm before clipping as a 0-dim tensor on the
    /// parameters' device (null when not clipping), without reading it: on a GPU the step waits for nothing.
    /// </summary>
    /// <remarks>
    /// With <paramref name="average"/>, each slice's moving average follows right after its update, on the same worker
    /// (<paramref name="stepsBefore"/>: the run's steps before this one); parameters without a gradient, which the
    /// step leaves alone, have theirs moved on the calling thread.
    /// </remarks>
    /// <exception cref="NotSupportedException">The optimizer uses amsgrad or maximize (this trainer never sets them).</exception>
    public static Tensor? Step(Adam optimizer, double maxNorm, WorkerThreads workers, long sliceElements = SliceElements,
        ExponentialMovingAverage? average = null, int stepsBefore = 0)
    {
        using var noGrad = no_grad();
        var items = Items(optimizer);
        double averageWeight = average?.NewWeightAfter(stepsBefore) ?? 0;
        if (average is not null) AverageUntouched(average, items, averageWeight);
        if (items.Count == 0) return null;
        int parts = Math.Min(workers.Count, items.Count);
        Tensor? norm = null, coefficient = null;                                 // (), ()
        if (maxNorm > 0) (norm, coefficient) = ClipCoefficient(items, maxNorm, workers, parts);
        using var coefficientHandle = coefficient;

        foreach (var item in items) item.State.step += 1;                     // once per tensor, as TorchSharp counts
        var slices = items.SelectMany((item, i) => Slices(item, i, sliceElements)).ToArray();
        workers.Run(parts, k =>
        {
            using var noGradHere = no_grad();                                    // grad mode is per thread
            for (int s = (int)((long)slices.Length * k / parts); s < (long)slices.Length * (k + 1) / parts; s++)
            {
                using var scope = NewDisposeScope();
                var (index, start, length) = slices[s];
                Update(items[index], start, length, coefficient);
                average?.Update(items[index].Index, start, length, averageWeight);
            }
        });
        return norm;
    }

    /// <summary>One parameter tensor (the <paramref name="Index"/>-th of the optimiser's) with its gradient, Adam state and hyperparameters.</summary>
    private sealed record Item(int Index, Parameter Parameter, Tensor Grad, Adam.State State, Adam.Options Options);

    private static List<Item> Items(Adam optimizer)
    {
        var states = optimizer.state_dict().State;                              // in the groups' parameter order
        var items = new List<Item>();
        int next = 0;
        foreach (var group in optimizer.ParamGroups.Cast<Adam.ParamGroup>())
        {
            var options = group.Options;
            if (options.amsgrad == true || options.maximize == true)
                throw new NotSupportedException("ClippedAdam: amsgrad and maximize are not supported");
            foreach (var parameter in group.Parameters)
            {
                var state = (Adam.State)states[next];
                if (parameter.grad is { } grad) items.Add(new Item(next, parameter, grad, state, options));
                next++;
            }
        }
        return items;
    }

    /// <summary>
    /// clip_grad_norm_'s coefficient min(1, maxNorm / (‖g‖ + 1e-6)) as a 0-dim tensor, with ‖g‖ the 2-norm of the
    /// tensors' 2-norms, which the workers take tensor by tensor (largest first, each to the least loaded part).
    /// </summary>
    private static (Tensor Norm, Tensor Coefficient) ClipCoefficient(List<Item> items, double maxNorm, WorkerThreads workers, int parts)
    {
        var owner = new int[items.Count];
        var load = new long[parts];
        foreach (int i in Enumerable.Range(0, items.Count).OrderByDescending(i => items[i].Grad.numel()))
        {
            int k = Array.IndexOf(load, load.Min());
            owner[i] = k;
            load[k] += items[i].Grad.numel();
        }
        var norms = new Tensor[items.Count];
        workers.Run(parts, k =>
        {
            using var noGradHere = no_grad();
            for (int i = 0; i < items.Count; i++)
                if (owner[i] == k) norms[i] = items[i].Grad.norm().DetachFromDisposeScope(); // ()
        });
        using var scope = NewDisposeScope();
        var total = norms.Length == 1 ? norms[0].clone() : stack(norms).norm(); // ()
        foreach (var n in norms) n.Dispose();
        // libtorch's max_norm / (total + 1e-6): the scalar filled into a tensor, then divided.
        using Scalar max = maxNorm, epsilon = 1e-6;
        var coefficient = full_like(total, max).div_(total.add(epsilon, ScalarConstants.One))
            .clamp_max_(ScalarConstants.One); // ()
        return (total.MoveToOuterDisposeScope(), coefficient.MoveToOuterDisposeScope());
    }

    /// <summary>Moves the averages of the parameters that have no gradient (not among <paramref name="items"/>) as a whole.</summary>
    private static void AverageUntouched(ExponentialMovingAverage average, List<Item> items, double weight)
    {
        if (items.Count == average.Averages.Count) return;
        var stepped = items.Select(i => i.Index).ToHashSet();
        for (int i = 0; i < average.Averages.Count; i++)
            if (!stepped.Contains(i)) average.Update(i, 0, -1, weight);
    }

    /// <summary>The slices of tensor <paramref name="index"/>: (index, first element, length).</summary>
    private static IEnumerable<(int, long, long)> Slices(Item item, int index, long sliceElements)
    {
        long count = item.Parameter.numel();
        bool sliceable = item.Parameter.is_contiguous() && item.Grad.is_contiguous() && item.State.exp_avg.is_contiguous()
            && item.State.exp_avg_sq.is_contiguous() && item.Parameter.device_type == DeviceType.CPU;
        if (!sliceable) return [(index, 0L, -1L)];                           // whole tensor (on a GPU: fewer kernel launches)
        var slices = new List<(int, long, long)>();
        for (long start = 0; start < count; start += sliceElements) slices.Add((index, start, Math.Min(sliceElements, count - start)));
        return slices;
    }

    /// <summary>TorchSharp's Adam update of one slice (length −1: the whole tensor), after clipping its gradient.</summary>
    private static void Update(Item item, long start, long length, Tensor? coefficient)
    {
        Tensor Slice(Tensor t) => length < 0 ? t : t.view(-1).narrow(0, start, length);
        var (param, grad, avg, avgSq) = (Slice(item.Parameter), Slice(item.Grad), Slice(item.State.exp_avg), Slice(item.State.exp_avg_sq));
        var o = item.Options;
        double beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, eps = o.eps!.Value, decay = o.weight_decay!.Value, lr = o.LearningRate!.Value;
        double correction1 = 1 - Math.Pow(beta1, item.State.step), correction2 = 1 - Math.Pow(beta2, item.State.step);
        // Each Scalar is held until the end of the method: libtorch reads it after TorchSharp has passed on its handle.
        using Scalar b1 = beta1, b2 = beta2, oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2, epsilon = eps;
        using Scalar sqrtCorrection2 = Math.Sqrt(correction2), stepSize = -lr / correction1, weightDecay = decay;
        if (coefficient is not null) grad.mul_(coefficient);                  // what clip_grad_norm_ leaves in .grad
        if (decay != 0) grad = grad.add(param, alpha: weightDecay);           // a temporary, as TorchSharp's
        avg.mul_(b1).add_(grad, alpha: oneMinusB1);
        avgSq.mul_(b2).addcmul_(grad, grad, value: oneMinusB2);
        var denominator = avgSq.sqrt().div_(sqrtCorrection2).add_(epsilon, ScalarConstants.One);
        param.addcdiv_(avg, denominator, value: stepSize);
    }
}
