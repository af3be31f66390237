using static TorchSharp.torch;

namespace Seq2Seq.Modeling;

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
/// freed by that last node.
/// </para>
/// </summary>
internal sealed class UnrolledLinear
{
    private readonly Tensor weight;        // (out, in), the layer's parameter
    private readonly Tensor? bias;         // (out) or null
    private readonly Tensor inputs;        // (T·B, in): step t's input in rows t·B .. (t+1)·B
    private readonly Tensor outputGrads;   // (T·B, out): zero for steps whose output takes no part in the loss
    private readonly long rows;            // B

    /// <summary>
    /// Buffers for <paramref name="steps"/> steps of <paramref name="rows"/> rows each. The parameters' handles are
    /// kept out of the dispose scope: the backward pass reads them after the forward pass's scopes have ended.
    /// </summary>
    public UnrolledLinear(Tensor weight, Tensor? bias, long steps, long rows)
    {
        this.weight = weight.DetachFromDisposeScope();
        this.bias = bias?.DetachFromDisposeScope();
        this.rows = rows;
        inputs = empty(steps * rows, weight.shape[1], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
        outputGrads = zeros(steps * rows, weight.shape[0], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope();
    }

    /// <summary>The token that ties the steps of <paramref name="layers"/> to their weight gradients.</summary>
    public static Tensor Begin(IReadOnlyList<UnrolledLinear> layers)
    {
        var args = new List<object?> { layers };
        foreach (var layer in layers)
        {
            args.Add(layer.weight);
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
            ctx.set_materialize_grads(false);                                    // see WeightGradients.forward
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
            if (gradOutput.IsInvalid) return [];                                 // the output took no part in the loss
            using (var block = layer.Block(layer.outputGrads, step)) block.copy_(gradOutput); // (B, out)
            var gradInput = gradOutput.mm(layer.weight);                        // (B, in)
            var grads = new List<Tensor> { null!, null!, null! };               // layer, step, token
            long offset = 0;
            foreach (long width in (long[])ctx.get_data("widths"))
            {
                grads.Add(gradInput.narrow(1, offset, width));                   // (B, n_i)
                offset += width;
            }
            return grads;
        }
    }

    /// <summary>The last backward node: every layer's weight and bias gradient from all steps at once.</summary>
    private sealed class WeightGradients : autograd.SingleTensorFunction<WeightGradients>
    {
        public override string Name => nameof(WeightGradients);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.save_data("layers", vars[0]);
            // The token's gradient is never computed (the steps give none); TorchSharp's stand-in of zeros would be
            // made from a copy of the output that the step's dispose scope has freed by then.
            ctx.set_materialize_grads(false);
            return zeros(1);                                                     // the token
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var grads = new List<Tensor> { null! };                             // the layers
            foreach (var layer in (IReadOnlyList<UnrolledLinear>)ctx.get_data("layers"))
            {
                grads.Add(layer.outputGrads.t().mm(layer.inputs));               // (out, in)
                if (layer.bias is not null) grads.Add(layer.outputGrads.sum(dim: 0)); // (out)
                else grads.Add(null!);
                layer.inputs.Dispose();
                layer.outputGrads.Dispose();
            }
            return grads;
        }
    }
}
