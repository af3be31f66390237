namespace Seq2Seq.Config;

/// <summary>How a sentence classifier turns the encoder's outputs into one vector (<c>model.pooling</c>).</summary>
public enum PoolingType
{
    /// <summary>The last layer's final state of each direction, concatenated (<c>last</c>).</summary>
    Last,

    /// <summary>The mean of the outputs over the sentence's words (<c>mean</c>).</summary>
    Mean,

    /// <summary>A learned query attends over the outputs; the weighted sum is the sentence (<c>attention</c>).</summary>
    Attention,
}
