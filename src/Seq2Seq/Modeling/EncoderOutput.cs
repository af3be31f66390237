using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>What the encoder returns: per-position outputs and the final summary state.</summary>
/// <param name="Output">(batch, src_len, dirs*hidden)</param>
/// <param name="Final">(batch, dirs*hidden): the last layer's final hidden state of each direction.</param>
/// <param name="FinalCell">(batch, dirs*hidden): the same for the LSTM's cell state; null for GRU and RNN.</param>
public readonly record struct EncoderOutput(Tensor Output, Tensor Final, Tensor? FinalCell = null);
