using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// What a search needs to decode one batch: it encodes the batch, turns each step's previous tokens into
/// log-probabilities over the candidates (the target vocabulary, or a shortlist's part of it), and keeps the decoder
/// states and encoded sources of the running rows. <see cref="ModelScorer"/> is one model; <see cref="EnsembleScorer"/>
/// combines several models' log-probabilities. The tensors live in the search's dispose scopes: <see cref="Encode"/>
/// is called in the search's scope and <see cref="Advance"/> in a step's, as the search itself would.
/// </summary>
internal abstract class Scorer
{
    /// <summary>B, the sentences of the batch.</summary>
    public abstract int Batch { get; }

    /// <summary>The device the batch is decoded on.</summary>
    public abstract Device Device { get; }

    /// <summary>(B) the first model's source lengths on the CPU (EOS included): attention rows are cut to them.</summary>
    public abstract Tensor Lengths { get; }

    /// <summary>V, the candidates of a row: the target vocabulary's size, or the shortlist subset's.</summary>
    public abstract long Size { get; }

    /// <summary>Throws a <see cref="UserErrorException"/> when the (first) model has no attention weights to give.</summary>
    public abstract void RequireAttention();

    /// <summary>Encodes the batch: every row's source and initial decoder state.</summary>
    public abstract void Encode();

    /// <summary>
    /// One step from the previous tokens (N): the log-probabilities (N, V) and the (first) model's attention weights
    /// (N, S), or null without attention. The step's new states wait for <see cref="Advance"/>.
    /// </summary>
    public abstract (Tensor LogProbs, Tensor? Weights) Step(Tensor tokens);

    /// <summary>Selects rows of the sources and the current states by index (N') (beams, at the start of beam search).</summary>
    public abstract void Select(Tensor rows);

    /// <summary>
    /// Called in a step's dispose scope: frees the current states; the last step's states become the current ones
    /// (their rows <paramref name="stateRows"/> when given), moved out to the search's scope; the sources keep their
    /// rows <paramref name="sourceRows"/> when given.
    /// </summary>
    public abstract void Advance(Tensor? stateRows, Tensor? sourceRows);

    /// <summary>Target ids of candidate positions: (...) → (...); the positions themselves without a shortlist.</summary>
    public abstract Tensor ToVocabulary(Tensor positions);
}
