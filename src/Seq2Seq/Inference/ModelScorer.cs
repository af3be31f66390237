using Seq2Seq.Modeling;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// One model's <see cref="Scorer"/>: the log-softmax of its logits, through <paramref name="stepper"/> (packed or
/// plain) and over <paramref name="subset"/>'s ids when given (the caller owns both).
/// </summary>
/// <param name="model">The model (in eval mode).</param>
/// <param name="stepper">Runs the decoding steps.</param>
/// <param name="src">(B, S) source ids of this model's vocabulary, EOS-terminated, padded.</param>
/// <param name="lengths">(B) source lengths on the CPU, EOS included.</param>
/// <param name="subset">The output layer restricted to a shortlist's ids, or null for the whole vocabulary.</param>
internal sealed class ModelScorer(Seq2SeqModel model, DecoderStepper stepper, Tensor src, Tensor lengths, OutputSubset? subset) : Scorer
{
    private EncodedSource source;
    private DecoderState state;
    private DecoderState next;

    public override int Batch => (int)src.shape[0];

    public override Device Device => src.device;

    public override Tensor Lengths => lengths;

    public override long Size => subset?.Size ?? model.Decoder.VocabSize;

    public override void RequireAttention() => model.RequireAttention();

    public override void Encode() => (source, state) = stepper.Encode(model, src, lengths);

    public override (Tensor LogProbs, Tensor? Weights) Step(Tensor tokens)
    {
        (next, var weights) = stepper.Step(tokens, state, source);
        var logits = subset is null ? stepper.Logits(next.Attentional) : subset.Logits(next.Attentional); // (N, V)
        return (nn.functional.log_softmax(logits, dim: -1), weights);            // (N, V), (N, S)
    }

    public override void Select(Tensor rows)
    {
        source = source.Select(rows);                                             // (N', S, ...)
        state = state.Select(rows);                                               // (N', H)
    }

    public override void Advance(Tensor? stateRows, Tensor? sourceRows)
    {
        state.Dispose();
        if (sourceRows is not null) source = ActiveRows.Replace(source, source.Select(sourceRows));
        state = (stateRows is null ? next : next.Select(stateRows)).MoveToOuterDisposeScope();
    }

    public override Tensor ToVocabulary(Tensor positions) => subset is null ? positions : subset.ToVocabulary(positions);
}
