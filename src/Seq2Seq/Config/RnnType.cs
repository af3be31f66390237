namespace Seq2Seq.Config;

/// <summary>The recurrent cell of a network (<c>model.rnn_type</c>: <c>gru</c>, <c>lstm</c> or <c>rnn</c>).</summary>
public enum RnnType
{
    /// <summary>Gated recurrent unit (<c>gru</c>).</summary>
    Gru,

    /// <summary>Long short-term memory (<c>lstm</c>): a hidden and a cell state.</summary>
    Lstm,

    /// <summary>A plain tanh RNN (<c>rnn</c>).</summary>
    Rnn,
}
