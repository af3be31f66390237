using Seq2Seq.Modeling;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Batched beam search: every sentence × beam is one row of one tensor per step, so a step costs one
/// decoder call whatever the batch. Candidates are ranked by log-probability / lp(len) with the GNMT
/// length penalty lp(len) = ((5 + len) / 6)^α (len counts generated tokens, EOS included). A finished
/// hypothesis keeps its slot, extending only with a zero-cost no-op, until better candidates push it
/// out; a sentence is done when all its slots are finished or at its length limit. The encoder output,
/// keys and mask are expanded to the beams once; states follow their beams by index selection.
/// <para>With <c>keepGreedy</c> (<see cref="DecodingOptions.KeepGreedyPath"/>; off by default), the search also
/// follows the greedy path (the most likely token after the greedy prefix, which is what
/// <see cref="GreedySearch"/> outputs): when that candidate falls out of a sentence's top K, it takes the place of
/// the K-th. The greedy hypothesis therefore always reaches the end of the search, and with α = 0 the best beam
/// hypothesis never has a lower log-probability than the greedy one (plain beam search can lose it: a prefix
/// that is likely early can be pruned in favour of ones that turn out worse).</para>
/// </summary>
public static class BeamSearch
{
    /// <summary>
    /// Decodes a source batch (B, S) with CPU lengths (B, EOS included) and per-sentence output limits (B).
    /// Returns for each sentence its <paramref name="nBest"/> best finished hypotheses, best first. Steps run through
    /// <paramref name="stepper"/> (the plain <see cref="DecoderStepper"/> when null); with <paramref name="subset"/>,
    /// candidates are its ids only (a vocabulary shortlist).
    /// </summary>
    public static List<List<Hypothesis>> Decode(Seq2SeqModel model, Tensor src, Tensor lengths, Tensor maxLengths,
        int beamSize, double alpha, int nBest = 1, int minLength = 0, bool keepAttention = false, bool keepGreedy = false,
        DecoderStepper? stepper = null, OutputSubset? subset = null) =>
        Decode(new ModelScorer(model, stepper ?? new DecoderStepper(model.Decoder), src, lengths, subset), maxLengths, beamSize, alpha,
            nBest, minLength, keepAttention, keepGreedy);

    /// <summary>The same search on the log-probabilities of <paramref name="scorer"/> (one model or an ensemble).</summary>
    internal static List<List<Hypothesis>> Decode(Scorer scorer, Tensor maxLengths, int beamSize, double alpha, int nBest = 1,
        int minLength = 0, bool keepAttention = false, bool keepGreedy = false)
    {
        if (nBest > beamSize) throw new ArgumentException($"nBest ({nBest}) cannot exceed the beam size ({beamSize})");
        if (keepAttention) scorer.RequireAttention();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dev = scorer.Device;
        int B = scorer.Batch, K = beamSize;
        scorer.Encode();
        // Scalars held for the whole search (see ScalarConstants).
        using Scalar beams = K, exponent = alpha;
        var slots = ScalarConstants.Range(K, dev);                               // (K)
        var expand = ScalarConstants.Range(B, dev).repeat_interleave(K);         // (B*K)
        scorer.Select(expand);                                                    // sources (N*K, S, ...), states (N*K, H)
        long V = scorer.Size;                                                     // candidates per row; PAD and EOS keep their ids
        // Running tensors hold the N unfinished sentences (K rows each); `sentences.Index` maps them to the batch.
        var sentences = new ActiveRows(B, dev);
        var limit = maxLengths.to(dev).unsqueeze(1);                              // (N, 1)
        var scores = full([B, K], ScalarConstants.NegativeInfinity, device: dev);
        scores[.., 0] = tensor(0f);                                               // (N, K) log-prob sums
        var finished = zeros([B, K], dtype: ScalarType.Bool, device: dev);        // (N, K)
        var hypLengths = zeros([B, K], dtype: ScalarType.Int64, device: dev);     // (N, K)
        var finalScores = full([B, K], ScalarConstants.NegativeInfinity, device: dev); // (B, K) filled as sentences leave
        var finalLengths = zeros([B, K], dtype: ScalarType.Int64, device: dev);   // (B, K)
        var y = full([B * K], ScalarConstants.BosId, dtype: ScalarType.Int64, device: dev); // (N*K)
        int C = (int)Math.Min(K, V);                                              // candidates kept per row
        using Scalar candidates = C;
        var noopBest = full([C], ScalarConstants.NegativeInfinity, device: dev);  // (C): a finished row's candidates
        noopBest[0] = tensor(0f);
        var greedySlot = zeros([B, 1], dtype: ScalarType.Int64, device: dev);     // (N, 1) slot on the greedy path
        var tokensPerStep = new List<Tensor>();                                   // (B, K) per step
        var originsPerStep = new List<Tensor>();                                  // (B, K) per step
        var attentionPerStep = new List<Tensor>();                                // (B, K, S) per step
        int maxSteps = (int)maxLengths.max().item<long>();
        for (int t = 0; t < maxSteps; t++)
        {
            using var stepScope = NewDisposeScope();
            int N = sentences.Count;
            var (logProbs, weights) = scorer.Step(y);                             // (N*K, V), (N*K, S)
            var logp = logProbs.view(N, K, V);                                    // (N, K, V)
            if (t < minLength) logp[.., .., SubwordTokenizer.EosId] = tensor(float.NegativeInfinity);
            // A sentence's K best candidates are among the C best tokens of each of its rows: rank those only.
            var (rowBest, rowToken) = logp.topk(C, dim: -1);                      // (N, K, C), (N, K, C)
            rowBest = where(finished.unsqueeze(2), noopBest, rowBest);            // a finished row: PAD at no cost, only
            rowToken = where(finished.unsqueeze(2), SubwordTokenizer.PadId, rowToken);
            var cand = scores.unsqueeze(2).add(rowBest, ScalarConstants.One);    // (N, K, C)
            var candLen = hypLengths.add(finished.logical_not().to(ScalarType.Int64), ScalarConstants.One); // (N, K)
            var ranked = alpha == 0 ? cand : cand / Penalty(candLen, exponent).unsqueeze(2);
            var best = ranked.view(N, K * C).topk(K, dim: 1).indexes;             // (N, K) into K*C
            if (keepGreedy && K > 1)
            {
                var greedyIndex = greedySlot.mul(candidates);                     // (N, 1): the greedy row's best token
                var kept = best.eq(greedyIndex).any(1, keepdim: true);            // (N, 1)
                best = cat([best[.., ..(K - 1)], where(kept, best[.., (K - 1)..], greedyIndex)], dim: 1); // (N, K)
                greedySlot = ActiveRows.Replace(greedySlot, best.eq(greedyIndex).to(ScalarType.Int64).argmax(1, keepdim: true)); // (N, 1)
            }
            var origin = best.div(candidates, rounding_mode: RoundingMode.floor); // (N, K)
            var token = rowToken.view(N, K * C).gather(1, best);                  // (N, K) positions in the output layer
            var newScores = cand.view(N, K * C).gather(1, best);                  // (N, K)
            var newLengths = candLen.gather(1, origin);                           // (N, K)
            using Scalar length = t + 1;
            var newFinished = finished.gather(1, origin).logical_or(token.eq(ScalarConstants.EosId))
                .logical_or(limit.le(length));                                    // (N, K)
            var rows = ScalarConstants.Range(N, dev).mul(beams).unsqueeze(1).add(origin, ScalarConstants.One).view(-1); // (N*K)
            var emitted = scorer.ToVocabulary(token);                            // (N, K) target ids
            tokensPerStep.Add(sentences.Scatter(emitted, ScalarConstants.PadId).MoveToOuterDisposeScope()); // (B, K)
            originsPerStep.Add(sentences.Scatter(origin, slots.expand(B, K)).MoveToOuterDisposeScope()); // (B, K), a left sentence keeps its slots
            if (keepAttention) attentionPerStep.Add(sentences.Scatter(weights!.view(N, K, -1), ScalarConstants.Zero).MoveToOuterDisposeScope()); // (B, K, S)
            var done = newFinished.all(1);                                        // (N)
            int doneCount = (int)done.sum().item<long>();                         // the one host sync of a step
            if (doneCount == N || t + 1 == maxSteps)
            {
                finalScores.index_copy_(0, sentences.Index, newScores);
                finalLengths.index_copy_(0, sentences.Index, newLengths);
                break;
            }
            Tensor? keepRows = null;                                              // (N'*K) the rows of the sentences that stay
            if (doneCount > 0)                                                 // they leave the batch now
            {
                finalScores.index_copy_(0, sentences.Index, newScores);           // leaving sentences keep their scores here
                finalLengths.index_copy_(0, sentences.Index, newLengths);
                var keep = sentences.Drop(done);                                  // (N')
                keepRows = keep.mul(beams).unsqueeze(1).add(slots, ScalarConstants.One).view(-1);       // (N'*K)
                rows = rows.index_select(0, keepRows);
                limit = ActiveRows.Replace(limit, limit.index_select(0, keep));
                greedySlot = ActiveRows.Replace(greedySlot, greedySlot.index_select(0, keep));
                emitted = emitted.index_select(0, keep);
                newScores = newScores.index_select(0, keep);
                newLengths = newLengths.index_select(0, keep);
                newFinished = newFinished.index_select(0, keep);
            }
            scorer.Advance(rows, keepRows);                                       // states follow their beams' origins
            y = ActiveRows.Replace(y, emitted.view(-1));
            scores = ActiveRows.Replace(scores, newScores);
            hypLengths = ActiveRows.Replace(hypLengths, newLengths);
            finished = ActiveRows.Replace(finished, newFinished);
        }
        var final = alpha == 0 ? finalScores : finalScores / Penalty(finalLengths, exponent); // (B, K)
        return Backtrack(stack(tokensPerStep).cpu(), stack(originsPerStep).cpu(), finalScores.cpu(), final.cpu(),
            keepAttention ? stack(attentionPerStep).cpu() : null, scorer.Lengths, nBest);
    }

    private static readonly Scalar Five = 5.0f, Six = 6.0f;                      // held (see ScalarConstants)

    private static Tensor Penalty(Tensor length, Scalar alpha) =>
        length.to(ScalarType.Float32).add(Five, ScalarConstants.One).div(Six).pow(alpha);

    /// <summary>Follows each slot's origins back from the last step to read its tokens (and attention rows).</summary>
    private static List<List<Hypothesis>> Backtrack(Tensor tokens, Tensor origins, Tensor logProbs, Tensor ranked,
        Tensor? attention, Tensor srcLengths, int nBest)
    {
        int T = (int)tokens.shape[0], B = (int)tokens.shape[1], K = (int)tokens.shape[2];
        var tok = tokens.data<long>().ToArray();
        var org = origins.data<long>().ToArray();
        var lp = logProbs.data<float>().ToArray();
        var rk = ranked.data<float>().ToArray();
        var att = attention?.data<float>().ToArray();
        int S = attention is null ? 0 : (int)attention.shape[3];
        var srcLen = srcLengths.cpu().data<long>().ToArray();
        var result = new List<List<Hypothesis>>(B);
        for (int b = 0; b < B; b++)
        {
            var slots = Enumerable.Range(0, K).Where(j => float.IsFinite(rk[b * K + j]))
                .OrderByDescending(j => rk[b * K + j]).ThenBy(j => j).Take(nBest);
            var list = new List<Hypothesis>();
            foreach (int slot in slots)
            {
                var ids = new int[T];
                float[][]? rows = att is null ? null : new float[T][];
                int j = slot;
                for (int t = T - 1; t >= 0; t--)
                {
                    int at = (t * B + b) * K + j;
                    ids[t] = (int)tok[at];
                    int from = (int)org[at];
                    if (rows is not null) rows[t] = att.AsSpan(((t * B + b) * K + from) * S, (int)srcLen[b]).ToArray();
                    j = from;
                }
                list.Add(Hypothesis.FromSteps(ids, rows, lp[b * K + slot], rk[b * K + slot]));
            }
            result.Add(list);
        }
        return result;
    }
}
