using Seq2Seq.Data;
using static TorchSharp.torch;

namespace Seq2Seq.Classification;

/// <summary>A padded batch of sentences to classify: the ids of the words only (no BOS or EOS) and, in training, their labels.</summary>
internal sealed class ClassificationBatch : IDisposable
{
    private ClassificationBatch(Tensor src, Tensor lengths, Tensor? labels, int size)
    {
        Src = src;
        Lengths = lengths;
        Labels = labels;
        Size = size;
    }

    /// <summary>(batch, len) token ids, padded with zeros.</summary>
    public Tensor Src { get; }

    /// <summary>(batch) sentence lengths, on the CPU (packing needs them there).</summary>
    public Tensor Lengths { get; }

    /// <summary>(batch) label indices; null when the labels are not known.</summary>
    public Tensor? Labels { get; }

    /// <summary>Sentences in the batch.</summary>
    public int Size { get; }

    /// <summary>The batch of sentences <paramref name="indices"/> of <paramref name="ids"/>, with their <paramref name="labels"/> when given.</summary>
    public static ClassificationBatch Create(IReadOnlyList<int[]> ids, int[]? labels, IReadOnlyList<int> indices, Device device)
    {
        var rows = indices.Select(i => ids[i]).ToArray();
        var (src, lengths, _) = Batch.Pad(rows, prefix: null, suffix: null); // (B, S), (B)
        using var cpuSrc = src;
        Tensor? labelTensor = null;
        if (labels is not null)
        {
            using var cpuLabels = tensor(indices.Select(i => (long)labels[i]).ToArray());
            labelTensor = cpuLabels.to(device);                                  // (B)
        }
        return new ClassificationBatch(cpuSrc.to(device), lengths, labelTensor, rows.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Src.Dispose();
        Lengths.Dispose();
        Labels?.Dispose();
    }
}
