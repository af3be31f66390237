using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>What every decoding step reads from the source side.</summary>
/// <param name="Values">
/// With attention, the encoder outputs (batch, src_len, K); without, the source summary, the encoder's final
/// state (batch, K).
/// </param>
/// <param name="Keys">Projected keys (batch, src_len, A); null when the scores read <paramref name="Values"/> (luong_dot) or without attention.</param>
/// <param name="Mask">True at real source positions (batch, src_len).</param>
public readonly record struct EncodedSource(Tensor Values, Tensor? Keys, Tensor Mask)
{
    /// <summary>Selects rows (sentences or beams) by index: (N) → a source of N rows.</summary>
    public EncodedSource Select(Tensor rows) =>
        new(Values.index_select(0, rows), Keys?.index_select(0, rows), Mask.index_select(0, rows));
}
