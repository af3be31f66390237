using Seq2Seq.Modeling;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>Batched greedy decoding: the most likely token at every step, all sentences at once.</summary>
public static class GreedySearch
{
    /// <summary>
    /// Decodes a source batch (B, S) with CPU lengths (B, EOS included). Returns per sentence the output ids
    /// (without EOS), their summed log-probability, and optionally the attention weights (T, S) per sentence.
    /// EOS is forbidden for the first <paramref name="minLength"/> steps.
    /// </summary>
    public static List<Hypothesis> Decode(Seq2SeqModel model, Tensor src, Tensor lengths, Tensor maxLengths, bool keepAttention = false,
        int minLength = 0)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int batch = (int)src.shape[0];
        var (source, state) = model.Encode(src, lengths);
        var limit = maxLengths.to(src.device);                                    // (B)
        var y = full([batch], SubwordTokenizer.BosId, dtype: ScalarType.Int64, device: src.device); // (B)
        var done = zeros([batch], dtype: ScalarType.Bool, device: src.device);    // (B)
        var score = zeros([batch], device: src.device);                          // (B)
        var outputs = new List<Tensor>();
        var attention = new List<Tensor>();
        int maxSteps = (int)limit.max().item<long>();
        for (int t = 0; t < maxSteps; t++)
        {
            using var stepScope = NewDisposeScope();
            var (next, weights) = model.Decoder.Step(model.Decoder.Embed(y), state, source);
            var logProbs = nn.functional.log_softmax(model.Decoder.Logits(next.Attentional), dim: -1); // (B, V)
            if (t < minLength) logProbs[.., SubwordTokenizer.EosId] = tensor(float.NegativeInfinity);
            var (best, token) = logProbs.max(dim: -1);                            // (B), (B)
            var newScore = score + best.masked_fill(done, 0f);
            token = token.masked_fill(done, SubwordTokenizer.PadId);
            var newDone = done.logical_or(token.eq(SubwordTokenizer.EosId)).logical_or(limit.le(t + 1));
            state = new DecoderState(next.Hidden.MoveToOuterDisposeScope(), next.Attentional.MoveToOuterDisposeScope());
            y = token.MoveToOuterDisposeScope();
            score = newScore.MoveToOuterDisposeScope();
            done = newDone.MoveToOuterDisposeScope();
            outputs.Add(y);
            if (keepAttention) attention.Add(weights.MoveToOuterDisposeScope());
            if (done.all().item<bool>()) break;
        }
        var ids = stack(outputs, dim: 1).cpu();                                   // (B, T)
        var scores = score.cpu().data<float>().ToArray();
        var attn = keepAttention ? stack(attention, dim: 1).cpu() : null;         // (B, T, S)
        return Hypothesis.FromIds(ids, scores, attn, lengths);
    }
}
