using System.Diagnostics;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.Modeling.Cpu;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// The training loss: teacher-forced token cross-entropy with label smoothing, summed over a batch's non-pad targets,
/// and its backward pass in chunks of output rows.
/// </summary>
public static class TrainingLoss
{
    /// <summary>Output-layer rows per chunk in training: about 8 MiB of float scores at a vocabulary of 8,000.</summary>
    public const long OutputChunkElements = 1L << 21;

    /// <summary>
    /// Training's forward and backward pass of one batch (shard): returns the cross-entropy summed over its non-pad
    /// targets and the time spent computing forward (Stopwatch ticks); the gradients of the loss divided by
    /// <paramref name="divisor"/> are added to the parameters' .grad, unless the loss is not finite. The output layer and
    /// the loss (the (tokens, vocabulary) scores, their log-softmax and their gradients: the largest tensors of a step)
    /// run in chunks of rows, each chunk forward and backward to the attentional vectors before the next, so only one
    /// chunk's scores exist at a time; then the gradient of the attentional vectors flows back through the decoder and
    /// encoder in one pass. The result equals <see cref="BatchLoss"/>'s and its backward pass.
    /// </summary>
    internal static (float Loss, long ForwardTicks) LossAndGradients(Seq2SeqModel model, Batch batch, double labelSmoothing, int divisor,
        bool fastPaths = false, long chunkElements = OutputChunkElements)
    {
        long started = Stopwatch.GetTimestamp();
        var (real, targets) = AttentionalAtTargets(model, batch, fastPaths);     // (N, H), (N)
        long forwardTicks = Stopwatch.GetTimestamp() - started;
        using var leaf = real.detach().requires_grad_(true);                    // (N, H): where the chunks' gradients gather
        // The output layer through copies of its own: each chunk's gradient adds to the shard's sum in chunk order, and
        // the sum goes to the layer once. Chunks of two shards adding to the layer's .grad as they finished would sum
        // in whatever order the threads ran, and runs with the same seed would differ in the last bits.
        var decoder = model.Decoder;
        using var weight = decoder.OutputWeight.detach().requires_grad_(true);  // (V, H)
        using var bias = decoder.OutputBias.detach().requires_grad_(true);      // (V)
        long rows = real.shape[0], chunk = Math.Max(1, chunkElements / decoder.VocabSize);
        var total = zeros(1, device: real.device);                               // (1)
        using Scalar divide = divisor;                                           // held (see ScalarConstants)
        for (long start = 0; start < rows; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long t0 = Stopwatch.GetTimestamp();
            long end = Math.Min(rows, start + chunk);
            var logits = decoder.Logits(leaf.narrow(0, start, end - start), weight, bias); // (n, V)
            var loss = nn.functional.cross_entropy(logits, targets.narrow(0, start, end - start), reduction: nn.Reduction.Sum,
                label_smoothing: labelSmoothing);                                // ()
            total.add_(loss.detach(), ScalarConstants.One);
            long t1 = Stopwatch.GetTimestamp();
            forwardTicks += t1 - t0;
            loss.div(divide).backward();                                         // leaf.grad[start..end], weight.grad, bias.grad
        }
        float value = total.item<float>();
        if (!float.IsFinite(value)) return (value, forwardTicks);
        AddGradient(decoder.OutputWeight, weight.grad!);
        AddGradient(decoder.OutputBias, bias.grad!);
        real.backward([leaf.grad!]);                                             // through the decoder and encoder
        return (value, forwardTicks);
    }

    /// <summary>
    /// Teacher-forced token cross-entropy of a batch, summed over its non-pad targets, with label smoothing. Output
    /// scores are computed at the non-pad positions only: the output layer is the largest matrix product of a
    /// step, and padding would otherwise take a share of it.
    /// </summary>
    public static Tensor BatchLoss(Seq2SeqModel model, Batch batch, double labelSmoothing, bool fastPaths = false)
    {
        var (real, targets) = AttentionalAtTargets(model, batch, fastPaths);     // (N, H), (N)
        var logits = model.Decoder.Logits(real);                                 // (N, V)
        return nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing);
    }

    /// <summary>Token cross-entropy summed over non-pad targets, with label smoothing: (B, T, V), (B, T) → scalar.</summary>
    public static Tensor Loss(Tensor logits, Tensor targets, double labelSmoothing) =>
        nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), targets.view(-1),
            ignore_index: SubwordTokenizer.PadId, reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing);

    /// <summary>Teacher-forced attentional vectors at the batch's non-pad target positions and those targets: (N, H), (N).</summary>
    /// <remarks>With <paramref name="fastPaths"/> (gradients recorded), the GRU's weight gradients are taken once per batch.</remarks>
    private static (Tensor Attentional, Tensor Targets) AttentionalAtTargets(Seq2SeqModel model, Batch batch, bool fastPaths)
    {
        // The one place where training runs the model: the decoder unrolled over the batch's target inputs.
        var attentional = fastPaths
            ? new UnrolledDecoder(model).Attentional(batch.Src, batch.SrcLengths, batch.TrgIn) // (B, T, H)
            : model.Attentional(batch.Src, batch.SrcLengths, batch.TrgIn);      // (B, T, H)
        var real = attentional.view(-1, attentional.shape[^1]).index_select(0, batch.TrgPositions); // (N, H)
        var targets = batch.TrgOut.view(-1).index_select(0, batch.TrgPositions); // (N)
        return (real, targets);
    }

    private static readonly Lock gradientLock = new();

    /// <summary>
    /// Adds a shard's gradient to <paramref name="parameter"/>'s .grad (takes it over when there is none yet), one
    /// shard at a time. Two shards' sums commute, so the result does not depend on which finishes first.
    /// </summary>
    private static void AddGradient(Tensor parameter, Tensor gradient)
    {
        lock (gradientLock)
        {
            using var noGrad = no_grad();
            using var existing = parameter.grad;
            if (existing is null) parameter.grad = gradient;
            else existing.add_(gradient, ScalarConstants.One);
        }
    }
}
