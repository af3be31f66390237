using Seq2Seq.Modeling;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Batched sampling: at every step each sentence draws its next token from the model's distribution, sharpened
/// or flattened by a temperature (probabilities ∝ p^(1/T)) and optionally restricted to the K most likely tokens.
/// Draws come from a seeded <see cref="Generator"/>, so the same batch, settings and seed give the same outputs.
/// Temperature 0 takes the most likely token (greedy search); so does top-k 1. Finished sentences leave the
/// batch as in <see cref="GreedySearch"/>.
/// </summary>
public static class SamplingSearch
{
    /// <summary>
    /// Decodes a source batch (B, S) with CPU lengths (B, EOS included) and per-sentence output limits (B).
    /// Returns per sentence the sampled ids (without EOS), their summed log-probability under the model (without
    /// temperature or top-k), and optionally the attention weights (T, S) per sentence.
    /// </summary>
    /// <param name="model">The model (in eval mode).</param>
    /// <param name="src">(B, S) source ids, EOS-terminated, padded.</param>
    /// <param name="lengths">(B) source lengths on the CPU, EOS included.</param>
    /// <param name="maxLengths">(B) output limits (EOS not counted).</param>
    /// <param name="temperature">Divides the logits before sampling; 0 takes the most likely token.</param>
    /// <param name="topK">Sample among the K most likely tokens only; 0 = the whole vocabulary.</param>
    /// <param name="generator">The random source (on <paramref name="src"/>'s device).</param>
    /// <param name="keepAttention">Return the attention weights of every step.</param>
    /// <param name="minLength">EOS is forbidden for the first this many steps.</param>
    public static List<Hypothesis> Decode(Seq2SeqModel model, Tensor src, Tensor lengths, Tensor maxLengths, double temperature,
        int topK, Generator generator, bool keepAttention = false, int minLength = 0)
    {
        if (!(temperature >= 0) || double.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "a finite number ≥ 0");
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        if (keepAttention) model.RequireAttention();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dev = src.device;
        int batch = (int)src.shape[0];
        var (source, state) = model.Encode(src, lengths);
        var rows = new ActiveRows(batch, dev);
        var limit = maxLengths.to(dev);                                           // (N)
        var y = full([batch], SubwordTokenizer.BosId, dtype: ScalarType.Int64, device: dev); // (N)
        var done = zeros([batch], dtype: ScalarType.Bool, device: dev);          // (N) finished, not yet dropped
        var score = zeros([batch], device: dev);                                 // (B)
        var outputs = new List<Tensor>();                                        // (B) per step, PAD once finished
        var attention = new List<Tensor>();                                      // (B, S) per step
        long vocab = model.Decoder.VocabSize;
        int k = topK == 0 ? (int)vocab : (int)Math.Min(topK, vocab);
        int maxSteps = (int)limit.max().item<long>();
        for (int t = 0; t < maxSteps; t++)
        {
            using var stepScope = NewDisposeScope();
            var (next, weights) = model.Decoder.Step(model.Decoder.Embed(y), state, source);
            var logProbs = nn.functional.log_softmax(model.Decoder.Logits(next.Attentional), dim: -1); // (N, V)
            if (t < minLength) logProbs[.., SubwordTokenizer.EosId] = tensor(float.NegativeInfinity);
            var token = Choose(logProbs, temperature, k, generator);              // (N)
            var chosen = logProbs.gather(1, token.unsqueeze(1)).squeeze(1);       // (N)
            score.index_add_(0, rows.Index, chosen.masked_fill(done, 0f), 1);
            token = token.masked_fill(done, SubwordTokenizer.PadId);
            outputs.Add(rows.Scatter(token, SubwordTokenizer.PadId).MoveToOuterDisposeScope()); // (B)
            if (keepAttention) attention.Add(rows.Scatter(weights!, 0).MoveToOuterDisposeScope()); // (B, S)
            var newDone = done.logical_or(token.eq(SubwordTokenizer.EosId)).logical_or(limit.le(t + 1)); // (N)
            int finished = (int)newDone.sum().item<long>();                      // the one host sync of a step
            if (finished == rows.Count) break;
            state.Dispose();
            if (rows.ShouldDrop(finished))
            {
                var keep = rows.Drop(newDone);                                   // (N')
                state = next.Select(keep).MoveToOuterDisposeScope();
                source = ActiveRows.Replace(source, source.Select(keep));
                limit = ActiveRows.Replace(limit, limit.index_select(0, keep));
                y = token.index_select(0, keep).MoveToOuterDisposeScope();
                newDone = newDone.index_select(0, keep);
            }
            else
            {
                state = next.MoveToOuterDisposeScope();
                y = token.MoveToOuterDisposeScope();
            }
            done = newDone.MoveToOuterDisposeScope();
        }
        var ids = stack(outputs, dim: 1).cpu();                                   // (B, T)
        var scores = score.cpu().data<float>().ToArray();
        var attn = keepAttention ? stack(attention, dim: 1).cpu() : null;         // (B, T, S)
        return Hypothesis.FromIds(ids, scores, attn, lengths);
    }

    /// <summary>The next token of every row of <paramref name="logProbs"/> (N, V): drawn, or the most likely at temperature 0.</summary>
    private static Tensor Choose(Tensor logProbs, double temperature, int k, Generator generator)
    {
        if (temperature == 0) return logProbs.max(dim: -1).indexes;              // (N)
        if (k < logProbs.shape[1])
        {
            var (top, index) = logProbs.topk(k, dim: -1);                         // (N, k), (N, k)
            var pick = (top / temperature).softmax(-1).multinomial(1, generator: generator); // (N, 1) into the top k
            return index.gather(1, pick).squeeze(1);                              // (N)
        }
        return (logProbs / temperature).softmax(-1).multinomial(1, generator: generator).squeeze(1); // (N)
    }
}
