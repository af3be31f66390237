using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// A linear layer that a teacher-forced recurrence applies at every step to the same B rows, with its weight
/// gradient taken once per batch. Through plain autograd each of the T steps makes its own weight-gradient product
/// over only B rows, into a fresh weight-sized matrix that is then added to the sum so far: T thin products, T
/// weight-sized fills and adds. Here the steps' inputs are written into one (T·B, in) matrix and, in the backward
/// pass, their output gradients into one (T·B, out) matrix; the weight gradient is one product of the two. The
/// multiply-adds are the same; what goes is the T weight-sized fills and adds and the thin products' overhead.
/// <para>
/// Use: <see cref="Begin"/> before the first step gives a token that every <see cref="Apply"/> takes as an input.
/// The token ties the steps to one last backward node, which autograd runs only after every step's backward: it
/// takes the products and hands the gradients to the weights and biases as usual (<c>.grad</c>, accumulating).
/// Gradients equal autograd's up to the order of the sums. Only while gradients are recorded; the buffers are
/// freed by that last node (by the garbage collector, if no backward pass follows).
/// </para>
/// <para>
/// Each custom-function call leaves two native callback stubs behind (TorchSharp hands libtorch a delegate per node),
/// freed only when a garbage collection finds the delegates dead. A training batch allocates too few managed objects
/// to start one, so the trainer collects the youngest generation once per batch, after its shards are done (without
/// it, peak memory grows over the first batches). Not here, in the backward pass: a
/// collection while another thread is inside a TorchSharp call can free a temporary argument that call still reads
/// (TorchSharp passes the native handle of a temporary Scalar, such as <c>add</c>'s alpha, without keeping the
/// object alive), which failed one run in a few of the two-thread training tests.
/// </para>
/// </summary>
internal sealed class UnrolledLinear
{
    private readonly Tensor parameter;     // (out, in), the layer's weight (the caller's handle)
    private readonly Tensor weight;        // (out, in), the same values outside autograd, kept for the backward pass
    private readonly Tensor? bias;         // (out) or null
    private readonly Tensor inputs;        // (T·B, in): step t's input in rows t·B .. (t+1)·B
    private readonly Tensor outputGrads;   // (T·B, out), written step by step in the backward pass
    private readonly bool[] written;       // the steps whose output gradient is in outputGrads
    private readonly Tensor tokenGrad;     // (1) zero: what every step gives the token
    private readonly long rows;            // B
    private readonly List<Tensor> handedBack = []; // the last step's input gradients (see StepProduct.backward)

    /// <summary>
    /// Buffers for <paramref name="steps"/> steps of <paramref name="rows"/> rows each. The weight's values are read
    /// again in the backward pass, after the forward pass's dispose scopes have ended, through a handle of its own.
    /// </summary>
    public UnrolledLinear(Tensor weight, Tensor? bias, long steps, long rows)
    {
        parameter = weight;
        this.weight = weight.detach().DetachFromDisposeScope();
        this.bias = bias;
        this.rows = rows;
        inputs = empty(steps * rows, weight.shape[1], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
        // Not filled now: memory that is never written takes no room, so the buffer grows as the backward pass
        // writes it, while the steps' activations are being freed, rather than at the forward pass's peak.
        outputGrads = empty(steps * rows, weight.shape[0], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
        written = new bool[steps];
        tokenGrad = zeros(1, dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
    }

    /// <summary>The token that ties the steps of <paramref name="layers"/> to their weight gradients.</summary>
    public static Tensor Begin(IReadOnlyList<UnrolledLinear> layers)
    {
        var args = new List<object?> { layers };
        foreach (var layer in layers)
        {
            args.Add(layer.parameter);
            args.Add(layer.bias);
        }
        return WeightGradients.apply([.. args]);
    }

    /// <summary>
    /// Step <paramref name="step"/>'s product: [parts...] Wᵀ + b, the parts (B, n_i) laid side by side as the input
    /// (Σ n_i = in): (B, out).
    /// </summary>
    public Tensor Apply(int step, Tensor token, params Tensor[] parts) => StepProduct.apply([this, step, token, .. parts]);

    private Tensor Block(Tensor buffer, int step) => buffer.narrow(0, step * rows, rows);

    private void ReleaseHandedBack()
    {
        foreach (var tensor in handedBack) tensor.Dispose();
        handedBack.Clear();
    }

    /// <summary>One step's product; its backward pass gives the inputs' gradients and keeps the output's.</summary>
    private sealed class StepProduct : autograd.SingleTensorFunction<StepProduct>
    {
        public override string Name => nameof(StepProduct);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var layer = (UnrolledLinear)vars[0];
            int step = (int)vars[1];
            ctx.save_data("layer", layer);
            ctx.save_data("step", step);
            ctx.set_materialize_grads(false);                                    // TorchSharp's zeros would copy a freed tensor
            using var block = layer.Block(layer.inputs, step);                    // (B, in)
            var widths = new long[vars.Length - 3];
            long offset = 0;
            for (int i = 0; i < widths.Length; i++)
            {
                var part = (Tensor)vars[i + 3];                                  // (B, n_i)
                widths[i] = part.shape[1];
                using var columns = block.narrow(1, offset, widths[i]);
                columns.copy_(part);
                offset += widths[i];
            }
            ctx.save_data("widths", widths);
            return layer.bias is null ? block.mm(layer.weight.t()) : addmm(layer.bias, block, layer.weight.t(), beta: 1, alpha: 1); // (B, out)
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var layer = (UnrolledLinear)ctx.get_data("layer");
            int step = (int)ctx.get_data("step");
            // Tensors made here would belong to the caller's dispose scope and live until the batch ends (autograd
            // frees its own as soon as they are used). libtorch has its own reference to what a backward function
            // returns once it has returned, so the previous step's gradients are freed now, and this step's output
            // gradient at once.
            layer.ReleaseHandedBack();
            var widths = (long[])ctx.get_data("widths");
            if (gradOutput.IsInvalid)                                            // the output took no part in the loss
                return [null!, null!, layer.tokenGrad, .. widths.Select(_ => (Tensor)null!)];
            using (var block = layer.Block(layer.outputGrads, step)) block.copy_(gradOutput); // (B, out)
            layer.written[step] = true;
            using var gradInput = gradOutput.mm(layer.weight);                  // (B, in)
            gradOutput.Dispose();
            // The token's gradient is zero; a defined one, so that the last node gets one (TorchSharp would stand in
            // for a missing one with a tensor it has already freed, or count an empty one as live forever).
            var grads = new List<Tensor> { null!, null!, layer.tokenGrad };      // layer, step, token
            long offset = 0;
            foreach (long width in widths)
            {
                grads.Add(gradInput.narrow(1, offset, width));                   // (B, n_i), a view: holds gradInput
                offset += width;
            }
            layer.handedBack.AddRange(grads.Skip(3));
            return grads;
        }
    }

    /// <summary>The last backward node: every layer's weight and bias gradient from all steps at once.</summary>
    private sealed class WeightGradients : autograd.SingleTensorFunction<WeightGradients>
    {
        public override string Name => nameof(WeightGradients);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var layers = (IReadOnlyList<UnrolledLinear>)vars[0];
            ctx.save_data("layers", layers);
            return zeros_like(layers[0].tokenGrad);                              // the token (1)
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var grads = new List<Tensor> { null! };                             // the layers
            foreach (var layer in (IReadOnlyList<UnrolledLinear>)ctx.get_data("layers"))
            {
                layer.ReleaseHandedBack();
                for (int step = 0; step < layer.written.Length; step++)
                    if (!layer.written[step])
                        using (var block = layer.Block(layer.outputGrads, step)) block.zero_(); // no part in the loss
                grads.Add(layer.outputGrads.t().mm(layer.inputs));               // (out, in)
                if (layer.bias is not null) grads.Add(layer.outputGrads.sum(dim: 0)); // (out)
                else grads.Add(null!);
                layer.inputs.Dispose();
                layer.outputGrads.Dispose();
                layer.weight.Dispose();
                layer.tokenGrad.Dispose();
            }
            return grads;
        }
    }
}
