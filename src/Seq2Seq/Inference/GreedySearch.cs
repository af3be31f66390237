using Seq2Seq.Modeling;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Batched greedy decoding: the most likely token at every step, all sentences at once. Finished sentences
/// leave the batch (<see cref="ActiveRows"/>), so a batch's last steps cost only what its longest outputs need.
/// </summary>
public static class GreedySearch
{
    /// <summary>
    /// Decodes a source batch (B, S) with CPU lengths (B, EOS included). Returns per sentence the output ids
    /// (without EOS), their summed log-probability, and optionally the attention weights (T, S) per sentence.
    /// EOS is forbidden for the first <paramref name="minLength"/> steps. Steps run through <paramref name="stepper"/>
    /// (the plain <see cref="DecoderStepper"/> when null); with <paramref name="subset"/>, outputs are chosen among
    /// its ids only (a vocabulary shortlist).
    /// </summary>
    public static List<Hypothesis> Decode(Seq2SeqModel model, Tensor src, Tensor lengths, Tensor maxLengths, bool keepAttention = false,
        int minLength = 0, DecoderStepper? stepper = null, OutputSubset? subset = null) =>
        Run(new ModelScorer(model, stepper ?? new DecoderStepper(model.Decoder), src, lengths, subset), maxLengths, keepAttention, minLength, choose: null);

    /// <summary>The same search on the log-probabilities of <paramref name="scorer"/> (one model or an ensemble).</summary>
    internal static List<Hypothesis> Decode(Scorer scorer, Tensor maxLengths, bool keepAttention = false, int minLength = 0) =>
        Run(scorer, maxLengths, keepAttention, minLength, choose: null);

    /// <summary>
    /// The step loop greedy search and <see cref="SamplingSearch"/> share: <paramref name="choose"/> picks each
    /// row's next token from the log-probabilities (N, V) → (N); null takes the most likely. With a shortlist,
    /// V is its subset's size and the chosen positions map to its ids.
    /// </summary>
    internal static List<Hypothesis> Run(Scorer scorer, Tensor maxLengths, bool keepAttention, int minLength, Func<Tensor, Tensor>? choose)
    {
        if (keepAttention) scorer.RequireAttention();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dev = scorer.Device;
        int batch = scorer.Batch;
        scorer.Encode();
        // Rows of the running tensors are the active sentences; `rows.Index` maps them back to the batch.
        var rows = new ActiveRows(batch, dev);
        var limit = maxLengths.to(dev);                                           // (N)
        var y = full([batch], ScalarConstants.BosId, dtype: ScalarType.Int64, device: dev); // (N)
        var score = zeros([batch], device: dev);                                 // (B)
        var outputs = new List<Tensor>();                                        // (B) per step, PAD once finished (left)
        var attention = new List<Tensor>();                                      // (B, S) per step
        int maxSteps = (int)limit.max().item<long>();
        for (int t = 0; t < maxSteps; t++)
        {
            using var stepScope = NewDisposeScope();
            var (logProbs, weights) = scorer.Step(y);                             // (N, V), (N, S)
            if (t < minLength) logProbs[.., SubwordTokenizer.EosId] = tensor(float.NegativeInfinity);
            Tensor best, token;                                                  // (N), (N)
            if (choose is null) (best, token) = logProbs.max(dim: -1);
            else
            {
                token = choose(logProbs);
                best = logProbs.gather(1, token.unsqueeze(1)).squeeze(1);
            }
            token = scorer.ToVocabulary(token);                                  // (N) target ids
            score.index_add_(0, rows.Index, best, ScalarConstants.One);
            outputs.Add(rows.Scatter(token, ScalarConstants.PadId).MoveToOuterDisposeScope()); // (B)
            if (keepAttention) attention.Add(rows.Scatter(weights!, ScalarConstants.Zero).MoveToOuterDisposeScope()); // (B, S)
            using Scalar length = t + 1;                                         // held (see ScalarConstants)
            var done = token.eq(ScalarConstants.EosId).logical_or(limit.le(length)); // (N)
            int finished = (int)done.sum().item<long>();                         // the one host sync of a step
            if (finished == rows.Count) break;
            if (finished > 0)                                                    // they leave the batch now
            {
                var keep = rows.Drop(done);                                      // (N')
                scorer.Advance(keep, keep);
                limit = ActiveRows.Replace(limit, limit.index_select(0, keep));
                y = token.index_select(0, keep).MoveToOuterDisposeScope();
            }
            else
            {
                scorer.Advance(null, null);
                y = token.MoveToOuterDisposeScope();
            }
        }
        var ids = stack(outputs, dim: 1).cpu();                                   // (B, T)
        var scores = score.cpu().data<float>().ToArray();
        var attn = keepAttention ? stack(attention, dim: 1).cpu() : null;         // (B, T, S)
        return Hypothesis.FromIds(ids, scores, attn, scorer.Lengths);
    }
}
