using Seq2Seq.Modeling;
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
    /// <param name="stepper">Runs the decoding steps; null: the plain <see cref="DecoderStepper"/>.</param>
    public static List<Hypothesis> Decode(Seq2SeqModel model, Tensor src, Tensor lengths, Tensor maxLengths, double temperature,
        int topK, Generator generator, bool keepAttention = false, int minLength = 0, DecoderStepper? stepper = null) =>
        Decode(new ModelScorer(model, stepper ?? new DecoderStepper(model.Decoder), src, lengths, subset: null), maxLengths, temperature, topK,
            generator, keepAttention, minLength);

    /// <summary>The same draws from the log-probabilities of <paramref name="scorer"/> (one model or an ensemble; no shortlist).</summary>
    internal static List<Hypothesis> Decode(Scorer scorer, Tensor maxLengths, double temperature, int topK, Generator generator,
        bool keepAttention = false, int minLength = 0)
    {
        if (!(temperature >= 0) || double.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "a finite number ≥ 0");
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        long vocab = scorer.Size;
        int k = topK == 0 ? (int)vocab : (int)Math.Min(topK, vocab);
        return GreedySearch.Run(scorer, maxLengths, keepAttention, minLength, logProbs => Choose(logProbs, temperature, k, generator));
    }

    /// <summary>The next token of every row of <paramref name="logProbs"/> (N, V): drawn, or the most likely at temperature 0.</summary>
    private static Tensor Choose(Tensor logProbs, double temperature, int k, Generator generator)
    {
        if (temperature == 0) return logProbs.max(dim: -1).indexes;              // (N)
        using Scalar divide = temperature;                                       // held (see ScalarConstants)
        if (k < logProbs.shape[1])
        {
            var (top, index) = logProbs.topk(k, dim: -1);                         // (N, k), (N, k)
            var pick = top.div(divide).softmax(-1).multinomial(1, generator: generator); // (N, 1) into the top k
            return index.gather(1, pick).squeeze(1);                              // (N)
        }
        return logProbs.div(divide).softmax(-1).multinomial(1, generator: generator).squeeze(1); // (N)
    }
}
