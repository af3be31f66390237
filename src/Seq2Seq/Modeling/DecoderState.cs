using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>The decoder's recurrent state.</summary>
/// <param name="Hidden">(batch, hidden)</param>
/// <param name="Attentional">The last attentional vector a_t (batch, hidden), fed back as input.</param>
/// <param name="Cell">The LSTM's cell state (batch, hidden); null for GRU and RNN.</param>
public readonly record struct DecoderState(Tensor Hidden, Tensor Attentional, Tensor? Cell = null)
{
    /// <summary>Selects rows (beams) by index.</summary>
    public DecoderState Select(Tensor rows) =>
        new(Hidden.index_select(0, rows), Attentional.index_select(0, rows), Cell?.index_select(0, rows));

    /// <summary>Hands the tensors to the enclosing dispose scope (a decoding step's state outlives the step).</summary>
    public DecoderState MoveToOuterDisposeScope() =>
        new(Hidden.MoveToOuterDisposeScope(), Attentional.MoveToOuterDisposeScope(), Cell?.MoveToOuterDisposeScope());

    /// <summary>Frees the tensors now (the previous step's state, once the next one is computed).</summary>
    public void Dispose()
    {
        Hidden.Dispose();
        Attentional.Dispose();
        Cell?.Dispose();
    }
}
