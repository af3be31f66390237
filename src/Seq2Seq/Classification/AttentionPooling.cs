using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Classification;

/// <summary>
/// Attention pooling: a learned query q scores every position, e_s = qᵀ tanh(W enc_s + b); the weights are the
/// softmax of the scores over the sentence's words (padding gets weight 0), and the sentence is Σ_s α_s enc_s.
/// </summary>
public sealed class AttentionPooling : nn.Module
{
    private readonly Linear key;
    private readonly Parameter query;

    /// <summary>Pools outputs of size <paramref name="inputSize"/> with scores of hidden size <paramref name="attentionDim"/>.</summary>
    public AttentionPooling(long inputSize, long attentionDim) : base(nameof(AttentionPooling))
    {
        key = nn.Linear(inputSize, attentionDim);
        query = nn.Parameter(empty(attentionDim).uniform_(-0.1, 0.1));
        RegisterComponents();
    }

    /// <summary>
    /// The pooled vector (B, K) and the weights (B, S) of outputs (B, S, K) under <paramref name="mask"/> (B, S), true at
    /// the words.
    /// </summary>
    public (Tensor Pooled, Tensor Weights) Pool(Tensor outputs, Tensor mask)
    {
        var scores = tanh(key.call(outputs)).matmul(query);                     // (B, S)
        var weights = softmax(scores.masked_fill(mask.logical_not(), ScalarConstants.NegativeInfinity), dim: 1); // (B, S)
        var pooled = weights.unsqueeze(1).bmm(outputs).squeeze(1);              // (B, K)
        return (pooled, weights);
    }
}
