using Seq2Seq.Config;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Classification;

/// <summary>
/// A trained sentence classifier loaded from its model directory (what <c>seq2seq classify train</c> writes): gives each
/// sentence a label, the probability of every label and, for attention pooling, the weight of each word.
/// </summary>
public sealed class Classifier : IDisposable
{
    private readonly SentenceClassifier model;
    private readonly TextTokenizer tokenizer;
    private readonly Device device;
    private readonly bool lowercase;
    private readonly LabelSet labels;

    private Classifier(SentenceClassifier model, TextTokenizer tokenizer, LabelSet labels, Device device, bool lowercase)
    {
        this.model = model;
        this.tokenizer = tokenizer;
        this.device = device;
        this.lowercase = lowercase;
        this.labels = labels;
    }

    /// <summary>The labels, in the order of <see cref="ClassPrediction.Probabilities"/>.</summary>
    public IReadOnlyList<string> Labels => labels.Names;

    /// <summary>Whether predictions carry attention weights (<c>model.pooling: attention</c>).</summary>
    public bool HasAttention => model.HasAttention;

    /// <summary>Sentences per batch of <see cref="Predict"/>.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Loads the classifier of <paramref name="modelDirectory"/> (its best checkpoint by default) onto <paramref name="device"/>.</summary>
    /// <exception cref="UserErrorException">The directory is not a classifier's, or a file is missing or unreadable.</exception>
    public static Classifier Load(string modelDirectory, string? device = null, string checkpoint = ModelDirectory.BestCheckpointName)
    {
        var dir = new ModelDirectory(modelDirectory);
        if (!Directory.Exists(dir.Path)) throw new UserErrorException($"{dir.Path}: no such model directory");
        if (!File.Exists(dir.ConfigFile)) throw new UserErrorException($"{dir.ConfigFile}: missing; is {dir.Path} a model directory written by 'seq2seq classify train'?");
        var labels = LabelSet.Load(dir.LabelsFile);                          // first: a translation model's directory has none
        var config = ConfigLoader.LoadClassifier(dir.ConfigFile);
        var tokenizer = TextTokenizer.Load(config.Data.Tokens, dir.Path, ModelDirectory.SourcePrefix);
        var dev = ComputeDevice.Resolve(device ?? config.Device.YamlName());
        var model = new SentenceClassifier(config.Model, tokenizer.VocabSize, labels.Count);
        string path = dir.Checkpoint(checkpoint);
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such checkpoint (training has not validated yet?)");
        Checkpoint.Load(path, model);
        model.to(dev);
        model.eval();
        return new Classifier(model, tokenizer, labels, dev, config.Data.Lowercase);
    }

    /// <summary>Classifies <paramref name="sentences"/> (none empty), in batches of <see cref="BatchSize"/>.</summary>
    public IReadOnlyList<ClassPrediction> Predict(IReadOnlyList<string> sentences)
    {
        var ids = sentences.Select(s => tokenizer.Encode(lowercase ? s.ToLowerInvariant() : s)).ToList();
        var empty = ids.FindIndex(r => r.Length == 0);
        if (empty >= 0) throw new UserErrorException($"sentence {empty + 1} has no tokens: nothing to classify");
        var (logProbs, weights) = LogProbabilities(model, ids, BatchSize, device, withWeights: model.HasAttention);
        return [.. ids.Select((row, i) => new ClassPrediction(Labels[ArgMax(logProbs[i])], [.. logProbs[i].Select(MathF.Exp)],
            [.. row.Select(tokenizer.IdToToken)], weights?[i]))];
    }

    /// <summary>Classifies the sentences of <paramref name="corpus"/> and scores the predictions against its labels (read from <paramref name="labelPath"/>).</summary>
    /// <exception cref="UserErrorException">A gold label is not one the model knows; the message names the file and line.</exception>
    public ClassificationScores Score(LabeledCorpus corpus, string labelPath)
    {
        var gold = labels.Indices(corpus.Labels, labelPath);
        var predicted = Predict(corpus.Sentences).Select(p => labels.IndexOf(p.Label)).ToArray();
        return ClassificationScores.Compute(gold, predicted, Labels);
    }

    /// <summary>The index of the largest value (the first of equal ones).</summary>
    internal static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }

    /// <summary>
    /// The log-probabilities of the labels of every sentence of <paramref name="ids"/> and, when asked, the attention
    /// weights over its tokens; sentences run in batches of similar length, the model in eval mode.
    /// </summary>
    internal static (float[][] LogProbs, float[][]? Weights) LogProbabilities(SentenceClassifier model, IReadOnlyList<int[]> ids, int batchSize,
        Device device, bool withWeights)
    {
        model.eval();
        var logProbs = new float[ids.Count][];
        var weights = withWeights ? new float[ids.Count][] : null;
        var order = Enumerable.Range(0, ids.Count).OrderBy(i => ids[i].Length).ToArray();
        using var noGrad = no_grad();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var indices = order[start..Math.Min(order.Length, start + batchSize)];
            using var batch = ClassificationBatch.Create(ids, labels: null, indices, device);
            var (logits, w) = model.ForwardWithWeights(batch.Src, batch.Lengths); // (B, L), (B, S)
            var lp = nn.functional.log_softmax(logits, 1).cpu();                 // (B, L)
            var wCpu = w?.cpu();                                                 // (B, S)
            for (int b = 0; b < indices.Length; b++)
            {
                logProbs[indices[b]] = lp[b].data<float>().ToArray();
                if (weights is not null) weights[indices[b]] = wCpu![b].narrow(0, 0, ids[indices[b]].Length).data<float>().ToArray();
            }
        }
        return (logProbs, weights);
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
