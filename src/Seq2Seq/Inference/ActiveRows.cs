using Seq2Seq.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Which sentences of a decoding batch are still running. Finished ones are dropped from the running tensors on
/// the step they finish: every later step is then that much smaller, and the index copies a drop costs are less
/// than one step of a single row (see docs/performance.md, "What makes it fast"). Dropping reads which rows
/// finished, so it happens only on steps where the stop check has already synchronised with the device.
/// </summary>
internal sealed class ActiveRows
{
    private readonly int batch;

    /// <summary>Starts with all <paramref name="batch"/> sentences running.</summary>
    public ActiveRows(int batch, Device device)
    {
        this.batch = batch;
        Index = ScalarConstants.Range(batch, device);
        Count = batch;
    }

    /// <summary>(N) the batch position of every running row.</summary>
    public Tensor Index { get; private set; }

    /// <summary>Running rows.</summary>
    public int Count { get; private set; }

    /// <summary>Drops the rows where <paramref name="finished"/> (N) is true; returns the kept rows' indices (N').</summary>
    public Tensor Drop(Tensor finished)
    {
        var keep = finished.logical_not().nonzero().squeeze(1);                  // (N')
        Index = Replace(Index, Index.index_select(0, keep));
        Count = (int)keep.shape[0];
        return keep;
    }

    /// <summary>Spreads running rows (N, ...) over the whole batch (B, ...), <paramref name="fill"/> elsewhere: a new tensor.</summary>
    public Tensor Scatter(Tensor running, Scalar fill)
    {
        var shape = running.shape.ToArray();
        shape[0] = batch;
        return full(shape, fill, dtype: running.dtype, device: running.device).index_copy_(0, Index, running);
    }

    /// <summary>Spreads running rows (N, ...) over a copy of <paramref name="background"/> (B, ...): a new tensor.</summary>
    public Tensor Scatter(Tensor running, Tensor background) => background.clone().index_copy_(0, Index, running);

    /// <summary>
    /// Called inside a step's dispose scope: moves <paramref name="next"/> out to the decoding scope (where
    /// <paramref name="old"/> lives) and frees <paramref name="old"/> now.
    /// </summary>
    public static Tensor Replace(Tensor old, Tensor next)
    {
        next.MoveToOuterDisposeScope();
        old.Dispose();
        return next;
    }

    /// <summary>The same for what every decoding step reads from the source.</summary>
    public static EncodedSource Replace(EncodedSource old, EncodedSource next) =>
        new(Replace(old.Values, next.Values), next.Keys is null ? null : Replace(old.Keys!, next.Keys), Replace(old.Mask, next.Mask));
}
