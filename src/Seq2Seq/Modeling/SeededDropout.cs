using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// Inverted dropout (zero each element with probability p, scale the rest by 1 / (1 − p)) whose masks come from
/// the generator set for the calling thread with <see cref="UseGenerator"/>, or from libtorch's default
/// generator when none is set. The trainer runs a batch as several shards on several threads at once; each
/// shard gets its own generator, seeded from the step and the shard, so the masks (and the losses) do not
/// depend on which thread got there first, and a resumed run draws the same masks as an uninterrupted one.
/// </summary>
public sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    [ThreadStatic]
    private static Generator? threadGenerator;

    private readonly double p;
    private readonly Scalar keptFraction;                                        // 1 − p, held (see ScalarConstants)

    /// <summary>Dropout with probability <paramref name="p"/> in [0, 1).</summary>
    public SeededDropout(double p) : base(nameof(SeededDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout must be in [0, 1)");
        this.p = p;
        keptFraction = 1 - p;
    }

    /// <summary>Makes dropout on this thread draw from <paramref name="generator"/> until the result is disposed.</summary>
    public static IDisposable UseGenerator(Generator generator)
    {
        var previous = threadGenerator;
        threadGenerator = generator;
        return new Restore(previous);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || p == 0) return input;
        using var keep = empty_like(input).bernoulli_(1 - p, threadGenerator);  // same shape as input, 1 = kept
        return input.mul(keep).div_(keptFraction);
    }

    private sealed class Restore(Generator? previous) : IDisposable
    {
        public void Dispose() => threadGenerator = previous;
    }
}
