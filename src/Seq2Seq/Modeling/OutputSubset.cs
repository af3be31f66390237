using Seq2Seq.Modeling.Cpu;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

/// <summary>
/// The decoder's output layer restricted to some target ids (a vocabulary shortlist's, for one batch): the logits of
/// those ids only, logits_t = W_o[ids] a_t + b_o[ids] (N, U). Position p of a row stands for target id
/// <c>Ids[p]</c>. The ids are ascending and start with the special tokens, so the position of PAD, UNK, BOS and EOS
/// is their id and a search can test for EOS the same way with or without a subset.
/// <para>Created by <see cref="DecoderStepper.Subset"/>: the plain stepper multiplies the selected rows as they are,
/// the packed one packs them once for all the batch's steps. The caller disposes it.</para>
/// </summary>
public sealed class OutputSubset : IDisposable
{
    private readonly Tensor? weight;        // (U, H), plain path
    private readonly Tensor? bias;          // (U), plain path
    private readonly PackedWeight? packed;  // W_o[ids], b_o[ids] packed, fast path

    internal OutputSubset(Tensor ids, Tensor weight, Tensor bias, PackedWeight? packed)
    {
        if (ids.dim() != 1 || ids.shape[0] <= TextTokenizer.EosId) throw new ArgumentException("expected at least the special tokens' ids", nameof(ids));
        var head = ids[..(TextTokenizer.EosId + 1)].cpu().data<long>().ToArray();
        for (int i = 0; i < head.Length; i++)
            if (head[i] != i) throw new ArgumentException("the ids must be ascending and start with the special tokens", nameof(ids));
        Ids = ids.detach().clone().DetachFromDisposeScope();
        if (packed is null)
        {
            this.weight = weight.detach().clone().DetachFromDisposeScope();
            this.bias = bias.detach().clone().DetachFromDisposeScope();
        }
        this.packed = packed;
    }

    /// <summary>(U) the target id of every position, ascending.</summary>
    public Tensor Ids { get; }

    /// <summary>U, the number of target ids scored.</summary>
    public long Size => Ids.shape[0];

    /// <summary>Output scores of the subset's ids from attentional vectors: (N, H) → (N, U).</summary>
    public Tensor Logits(Tensor attentional) =>
        packed is not null ? packed.Apply(attentional) : nn.functional.linear(attentional, weight!, bias!);

    /// <summary>Target ids of positions in the subset: (...) → (...).</summary>
    public Tensor ToVocabulary(Tensor positions) => Ids.index_select(0, positions.flatten()).view_as(positions);

    /// <inheritdoc />
    public void Dispose()
    {
        Ids.Dispose();
        weight?.Dispose();
        bias?.Dispose();
        packed?.Dispose();
    }
}
