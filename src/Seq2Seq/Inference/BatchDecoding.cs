using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.Modeling.Cpu;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Decodes many encoded sentences: sorts them by length into batches (so a batch wastes little padding),
/// decodes each batch (sampling when asked, greedy when the beam is 1 and one hypothesis is asked for, beam
/// search otherwise) and puts the results back in input order.
/// <para>On the CPU, batches are decoded side by side, one per thread (<see cref="WorkerThreads"/>), longest first,
/// with libtorch's own thread pool at one thread meanwhile (the pool's size is the number of threads used). A
/// decoding step is a chain of small operations; spreading each of them over the cores costs a fork and a join
/// per operation and leaves cores idle in between, while whole batches on separate cores keep every core busy.
/// The steps run through a <see cref="DecoderStepper"/> that the caller owns (<see cref="Stepper"/>).</para>
/// </summary>
internal static class BatchDecoding
{
    /// <summary>
    /// The encoding and steps a caller decodes <paramref name="model"/> with: with <paramref name="fastPaths"/>, on
    /// weights packed for the CPU (<see cref="PackedDecoderStepper"/>) where they can be; else, or off the CPU, the
    /// plain model. <paramref name="rows"/> is the usual number of rows of a step (sentences × beam). The caller
    /// disposes it.
    /// </summary>
    public static DecoderStepper Stepper(Seq2SeqModel model, bool fastPaths, int rows)
    {
        if (fastPaths && PackedDecoderStepper.Supports(model.Decoder)) return new PackedDecoderStepper(model.Decoder, rows, encoder: model.Encoder);
        return new DecoderStepper(model.Decoder);
    }

    /// <summary>
    /// Decodes <paramref name="sources"/> (subword ids, no EOS) and returns the best hypothesis of each, in input
    /// order, with a stepper of its own for the call (<see cref="Stepper"/>).
    /// </summary>
    public static Hypothesis[] Decode(Seq2SeqModel model, IReadOnlyList<int[]> sources, DecodingOptions options, Device device,
        WorkerThreads? workers = null, bool fastPaths = true)
    {
        using var stepper = Stepper(model, fastPaths, options.BatchType == BatchType.Sentences ? options.BatchSize * options.BeamSize : 64);
        return [.. DecodeNBest(model, stepper, sources, options with { NBest = 1 }, device, workers).Select(list => list[0])];
    }

    /// <summary>
    /// Decodes <paramref name="sources"/> (non-empty subword id rows, no EOS) through <paramref name="stepper"/> and
    /// returns for each, in input order, its <see cref="DecodingOptions.NBest"/> best hypotheses, best first. Batches
    /// run on <paramref name="workers"/> when given (a training run's), else on threads started for the call;
    /// <paramref name="progress"/> hears the number of sources of each batch done, from the thread that decoded it.
    /// </summary>
    public static List<Hypothesis>[] DecodeNBest(Seq2SeqModel model, DecoderStepper stepper, IReadOnlyList<int[]> sources,
        DecodingOptions options, Device device, WorkerThreads? workers = null, IProgress<int>? progress = null) =>
        DecodeNBest([(model, stepper)], [1.0], [sources], options, device, workers, progress);

    /// <summary>
    /// The same with an ensemble: <paramref name="sources"/>[m] holds the sentences in model m's source vocabulary
    /// (the same sentences in the same order for every model), and the models' log-probabilities are combined with
    /// <paramref name="weights"/> (<see cref="EnsembleScorer"/>). Batches, output limits and a shortlist's ids follow
    /// the first model's sources. One model decodes exactly as <see cref="DecodeNBest(Seq2SeqModel, DecoderStepper, IReadOnlyList{int[]}, DecodingOptions, Device, WorkerThreads?, IProgress{int}?)"/>.
    /// </summary>
    public static List<Hypothesis>[] DecodeNBest(IReadOnlyList<(Seq2SeqModel Model, DecoderStepper Stepper)> models, IReadOnlyList<double> weights,
        IReadOnlyList<IReadOnlyList<int[]>> sources, DecodingOptions options, Device device, WorkerThreads? workers = null, IProgress<int>? progress = null)
    {
        options.Validate();
        var results = new List<Hypothesis>[sources[0].Count];
        var order = Enumerable.Range(0, sources[0].Count).OrderBy(i => sources[0][i].Length).ToArray(); // stable
        var batches = Batches(order, sources[0], options).Select((rows, number) => (Number: number, Rows: rows)).ToList();
        int threads = device.type == DeviceType.CPU ? Math.Min(batches.Count, get_num_threads()) : 1;
        if (threads <= 1)
        {
            foreach (var (number, indices) in batches)
            {
                DecodeBatch(models, weights, sources, number, indices, options, device, results);
                progress?.Report(indices.Length);
            }
            return results;
        }
        using var own = workers is null || workers.Count < threads ? new WorkerThreads(threads) : null;
        // Longest batches first, each taken by the next free thread, so no thread is left with a long tail.
        var longestFirst = Enumerable.Reverse(batches).ToArray();
        int next = -1;
        (own ?? workers!).Run(threads, _ =>
        {
            for (int b = Interlocked.Increment(ref next); b < longestFirst.Length; b = Interlocked.Increment(ref next))
            {
                DecodeBatch(models, weights, sources, longestFirst[b].Number, longestFirst[b].Rows, options, device, results);
                progress?.Report(longestFirst[b].Rows.Length);
            }
        });
        return results;
    }

    /// <summary>
    /// Decodes batch number <paramref name="number"/> (in length order) of <paramref name="sources"/> and stores its
    /// hypotheses at their input positions. Sampling draws from a generator seeded by the options' seed and the
    /// batch number, so the result does not depend on which thread decodes which batch.
    /// </summary>
    private static void DecodeBatch(IReadOnlyList<(Seq2SeqModel Model, DecoderStepper Stepper)> models, IReadOnlyList<double> weights,
        IReadOnlyList<IReadOnlyList<int[]>> sources, int number, int[] indices, DecodingOptions options, Device device, List<Hypothesis>[] results)
    {
        using var scope = NewDisposeScope();
        var rows = indices.Select(i => sources[0][i]).ToArray();
        var limits = tensor(rows.Select(r => MaxOutputLength(r.Length, options)).ToArray()); // (B)
        if (options.Sample)
        {
            using var generator = new Generator(SamplingSeed(options.Seed, number), device);
            var hyps = SamplingSearch.Decode(Scorer(models, weights, sources, indices, device, subsets: null), limits, options.Temperature, options.TopK,
                generator, options.KeepAttention, options.MinLength);
            for (int k = 0; k < indices.Length; k++) results[indices[k]] = [hyps[k]];
            return;
        }
        // With a shortlist, the output layer of every step covers the batch's target ids only; the models share the
        // target vocabulary, so the ids are the same for every model.
        var ids = options.Shortlist?.IdsFor(rows, device);
        var subsets = ids is null ? null : models.Select(m => m.Stepper.Subset(ids)).ToArray();
        try
        {
            var scorer = Scorer(models, weights, sources, indices, device, subsets);
            if (options.BeamSize == 1 && options.NBest == 1)
            {
                var hyps = GreedySearch.Decode(scorer, limits, options.KeepAttention, options.MinLength);
                for (int k = 0; k < indices.Length; k++) results[indices[k]] = [hyps[k]];
            }
            else
            {
                var lists = BeamSearch.Decode(scorer, limits, options.BeamSize, options.Alpha, options.NBest, options.MinLength,
                    options.KeepAttention, options.KeepGreedyPath);
                for (int k = 0; k < indices.Length; k++) results[indices[k]] = lists[k];
            }
        }
        finally
        {
            foreach (var subset in subsets ?? []) subset.Dispose();
        }
    }

    /// <summary>
    /// The scorer of one batch: its sentences padded in every model's vocabulary (EOS-terminated), one model's
    /// scorer, or an ensemble of them.
    /// </summary>
    private static Scorer Scorer(IReadOnlyList<(Seq2SeqModel Model, DecoderStepper Stepper)> models, IReadOnlyList<double> weights,
        IReadOnlyList<IReadOnlyList<int[]>> sources, int[] indices, Device device, OutputSubset[]? subsets)
    {
        var members = new ModelScorer[models.Count];
        for (int m = 0; m < models.Count; m++)
        {
            var (src, lengths, _) = Batch.Pad([.. indices.Select(i => sources[m][i])], prefix: null, suffix: SubwordTokenizer.EosId); // (B, S), (B)
            members[m] = new ModelScorer(models[m].Model, models[m].Stepper, src.to(device), lengths, subsets?[m]);
        }
        return members.Length == 1 ? members[0] : new EnsembleScorer(members, weights);
    }

    /// <summary>The generator seed of batch <paramref name="number"/>: the seed and the number mixed (SplitMix64), so nearby seeds give unrelated draws.</summary>
    internal static ulong SamplingSeed(long seed, int number)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)number + 1);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>The output limit of a source of <paramref name="sourceLength"/> subwords (EOS not counted): at least 1.</summary>
    public static long MaxOutputLength(int sourceLength, DecodingOptions options) =>
        Math.Max(1, (long)(options.MaxLengthRatio * sourceLength + options.MaxLengthOffset));

    /// <summary>
    /// Cuts the length-sorted <paramref name="order"/> into batches of at most <see cref="DecodingOptions.BatchSize"/>
    /// sentences, or of at most that many padded source tokens (sentences × longest source, EOS included).
    /// A batch always holds at least one sentence.
    /// </summary>
    private static IEnumerable<int[]> Batches(int[] order, IReadOnlyList<int[]> sources, DecodingOptions options)
    {
        int start = 0;
        while (start < order.Length)
        {
            int end = start + 1;
            if (options.BatchType == BatchType.Sentences)
            {
                end = Math.Min(order.Length, start + options.BatchSize);
            }
            else
            {
                // Sorted ascending, so the newest sentence is the longest: padded size = count × its length.
                while (end < order.Length && (long)(end + 1 - start) * (sources[order[end]].Length + 1) <= options.BatchSize) end++;
            }
            yield return order[start..end];
            start = end;
        }
    }
}
