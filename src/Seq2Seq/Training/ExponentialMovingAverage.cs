using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// The exponential moving average of the weights an optimiser trains (<c>training.ema_decay</c>): after the optimiser
/// step that is the run's step n (from 1), every parameter's average moves towards it,
/// <c>ema ← d·ema + (1 − d)·w</c> with <c>d = min(decay, n / (n + c))</c>, c the warm-up (<c>training.ema_warmup</c>).
/// The warm-up term keeps the early averages close to the live weights instead of the random initialisation, the
/// average spanning about the last 1/c of the steps; from about <c>c·decay / (1 − decay)</c> steps on, <c>d</c> is
/// the configured decay. The average starts as a copy of the weights.
/// <para>
/// <see cref="ClippedAdam"/> moves it slice by slice on the workers right after each slice's Adam update, while the
/// slice is in the cache; validation and <c>best.ckpt</c> see the averaged weights through <see cref="SwapIn"/>.
/// </para>
/// </summary>
internal sealed class ExponentialMovingAverage
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] averages;

    /// <summary>Averages the parameters of <paramref name="optimizer"/>'s groups, in their order, starting from their values now.</summary>
    /// <param name="optimizer">The optimiser whose parameters are averaged.</param>
    /// <param name="decay">The decay, in (0, 1).</param>
    /// <param name="warmup">The warm-up c, above 0: the decay at step n is at most n / (n + c).</param>
    public ExponentialMovingAverage(Adam optimizer, double decay, double warmup)
    {
        Decay = decay;
        Warmup = warmup;
        parameters = [.. optimizer.ParamGroups.Cast<Adam.ParamGroup>().SelectMany(g => g.Parameters)];
        using var noGrad = no_grad();
        averages = [.. parameters.Select(p => p.detach().clone())];
    }

    /// <summary>The configured decay.</summary>
    public double Decay { get; }

    /// <summary>The warm-up c.</summary>
    public double Warmup { get; }

    /// <summary>The averages, one per parameter in the optimiser's order (what <c>last.ckpt</c> stores).</summary>
    public IReadOnlyList<Tensor> Averages => averages;

    /// <summary>The weight <c>1 − d</c> of the new weights at the update after <paramref name="stepsBefore"/> steps.</summary>
    public double NewWeightAfter(int stepsBefore) => 1 - Math.Min(Decay, (1.0 + stepsBefore) / (1.0 + Warmup + stepsBefore));

    /// <summary>
    /// Moves the average of parameter <paramref name="index"/> (in the optimiser's order) towards the parameter with
    /// <paramref name="weight"/>, over the elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>)
    /// of its flat view (length −1: the whole tensor). One fused in-place pass; call under no_grad.
    /// </summary>
    public void Update(int index, long start, long length, double weight)
    {
        var (average, parameter) = (averages[index], parameters[index]);
        if (length < 0) average.lerp_(parameter, weight);
        else average.view(-1).narrow(0, start, length).lerp_(parameter.view(-1).narrow(0, start, length), weight);
    }

    /// <summary>Restarts the average from the weights as they are now (a resumed checkpoint that holds no average).</summary>
    public void Reset()
    {
        using var noGrad = no_grad();
        foreach (var (average, parameter) in averages.Zip(parameters)) average.copy_(parameter);
    }

    /// <summary>
    /// Copies the averages into the parameters and returns what copies the live weights back when disposed. The
    /// parameters stay the same tensors (the optimiser holds them); only their values change.
    /// </summary>
    public IDisposable SwapIn()
    {
        using var noGrad = no_grad();
        var live = parameters.Select(p => p.detach().clone()).ToArray();
        foreach (var (parameter, average) in parameters.Zip(averages)) parameter.copy_(average);
        return new LiveWeights(parameters, live);
    }

    /// <summary>The live weights set aside while the averages are in the parameters.</summary>
    private sealed class LiveWeights(Parameter[] parameters, Tensor[] live) : IDisposable
    {
        private bool restored;

        public void Dispose()
        {
            if (restored) return;
            restored = true;
            using var noGrad = no_grad();
            foreach (var (parameter, weights) in parameters.Zip(live))
            {
                parameter.copy_(weights);
                weights.Dispose();
            }
        }
    }
}
