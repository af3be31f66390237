namespace Seq2Seq.Config;

/// <summary>What a batch size counts (<c>training.batch_type</c>, and the batch size of decoding).</summary>
public enum BatchType
{
    /// <summary>Sentences per batch (<c>sentences</c>).</summary>
    Sentences,

    /// <summary>Tokens per batch (<c>tokens</c>): target tokens in training, padded source subwords (EOS included) in decoding.</summary>
    Tokens,
}
