namespace Seq2Seq.Tests.Inference;

/// <summary>
/// The tiny reverse-and-translate model after a few steps only, loaded as a translator: its next-token
/// distributions are still flat, so beam search with and without the greedy path gives different outputs for some
/// sentences (the trained tiny model gives the same ones).
/// </summary>
public sealed class BarelyTrainedModelFixture : TinyModelFixture
{
    public BarelyTrainedModelFixture() : base(steps: 4) { }
}
