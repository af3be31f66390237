using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Evaluation;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>Scores the model on the dev set: loss per target token and greedy corpus BLEU and chrF against the raw references.</summary>
/// <param name="devSet">The encoded dev pairs.</param>
/// <param name="dev">The dev corpus as read (its target lines are the references).</param>
/// <param name="targetTokenizer">Turns the hypotheses back into text.</param>
/// <param name="device">Where the model lives.</param>
/// <param name="testing">Batch size and output length limits of decoding.</param>
/// <param name="workers">The run's threads, which decode the dev set.</param>
/// <param name="fastPaths">Whether dev decoding uses the CPU fast paths.</param>
internal sealed class Validator(EncodedCorpus devSet, ParallelCorpus dev, TextTokenizer targetTokenizer, Device device, TestingConfig testing,
    WorkerThreads workers, bool fastPaths)
{
    /// <summary>How many dev sentences, from the first, are reported with their translations.</summary>
    public const int SampleCount = 5;

    /// <summary>Dev loss per target token (no label smoothing) and greedy BLEU; leaves the model in eval mode.</summary>
    public DevScores Evaluate(Seq2SeqModel model)
    {
        model.eval();
        double total = 0;
        long tokens = 0;
        using (no_grad())
        {
            var order = Enumerable.Range(0, devSet.Count).OrderBy(i => devSet.Source[i].Length).ToArray();
            for (int start = 0; start < order.Length; start += testing.BatchSize)
            {
                using var scope = NewDisposeScope();
                using var batch = Batch.Create(devSet.Source, devSet.Target, order[start..Math.Min(order.Length, start + testing.BatchSize)], device);
                total += TrainingLoss.BatchLoss(model, batch, 0.0).item<float>();
                tokens += batch.TrgTokens;
            }
        }
        var hyps = BatchDecoding.Decode(model, devSet.Source, new DecodingOptions
        {
            BatchSize = testing.BatchSize,
            MaxLengthRatio = testing.MaxLengthRatio,
            MaxLengthOffset = testing.MaxLengthOffset,
        }, device, workers, fastPaths);
        var text = hyps.Select(h => targetTokenizer.Decode(h.Ids)).ToList();
        var refs = devSet.Lines.Select(i => dev.Target[i]).ToList();            // the references of the kept pairs
        double bleu = Bleu.Corpus(text, [refs]).Score;
        double chrf = Chrf.Corpus(text, [refs]).Score;
        var samples = Enumerable.Range(0, Math.Min(SampleCount, text.Count)).Select(k => new DevSample(dev.Source[devSet.Lines[k]], refs[k], text[k])).ToList();
        return new DevScores(total / Math.Max(1, tokens), bleu, chrf, samples);
    }
}
