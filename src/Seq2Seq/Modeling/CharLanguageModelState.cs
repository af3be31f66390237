using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// The recurrent state between chunks: the hidden state of every layer, and for an LSTM also its cell state.
/// </summary>
/// <param name="Hidden">(layers, batch, hidden)</param>
/// <param name="Cell">(layers, batch, hidden) for an LSTM; null for a GRU or RNN.</param>
public readonly record struct CharLanguageModelState(Tensor Hidden, Tensor? Cell) : IDisposable
{
    /// <summary>
    /// The same values cut from the graph that made them: the next chunk starts from them, but its gradients stop
    /// here (truncated backpropagation through time).
    /// </summary>
    public CharLanguageModelState Detach() => new(Hidden.detach(), Cell?.detach());

    /// <summary>Moves both tensors out of the current dispose scope, so that they outlive it.</summary>
    public CharLanguageModelState MoveToOuterDisposeScope() => new(Hidden.MoveToOuterDisposeScope(), Cell?.MoveToOuterDisposeScope());

    /// <summary>Disposes both tensors.</summary>
    public void Dispose()
    {
        Hidden.Dispose();
        Cell?.Dispose();
    }
}
