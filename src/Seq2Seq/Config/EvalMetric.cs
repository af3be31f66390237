namespace Seq2Seq.Config;

/// <summary>The validation score that picks the best checkpoint and drives the schedule (<c>training.eval_metric</c>).</summary>
public enum EvalMetric
{
    /// <summary>Corpus BLEU of greedy translations of the dev set (<c>bleu</c>), higher is better.</summary>
    Bleu,

    /// <summary>Dev cross-entropy per target token (<c>loss</c>), lower is better.</summary>
    Loss,

    /// <summary>Share of dev sentences given their right label (<c>accuracy</c>), higher is better; sentence classifiers only.</summary>
    Accuracy,
}
