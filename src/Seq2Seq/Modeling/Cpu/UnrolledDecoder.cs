using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// Training's teacher-forced forward pass with the GRU's products and the combination taking their weight
/// gradients once per batch (<see cref="UnrolledLinear"/>) instead of once per step through autograd. The steps
/// are <see cref="Decoder.Step"/>'s, with those three products computed by the unrolled layers; the gradients
/// equal autograd's up to the order of the sums. For the LSTM and the tanh RNN it runs the plain
/// <see cref="Seq2SeqModel.Attentional"/>. The trainer creates it for its gradient step: it needs gradients
/// recorded (a backward pass frees the per-batch buffers).
/// </summary>
internal sealed class UnrolledDecoder(Seq2SeqModel model)
{
    /// <summary>Teacher-forced attentional vectors for target inputs (B, T), as <see cref="Seq2SeqModel.Attentional"/>: (B, T, H).</summary>
    public Tensor Attentional(Tensor src, Tensor lengths, Tensor trgIn)
    {
        var decoder = model.Decoder;
        if (decoder.Gru is null) return model.Attentional(src, lengths, trgIn);  // only the GRU's products are unrolled
        var (source, state) = model.Encode(src, lengths);
        return Unroll(decoder, decoder.Embed(trgIn), state, source);             // (B, T, H)
    }

    /// <summary><see cref="Decoder.Unroll"/> over the embedded target inputs (B, T, E), with the unrolled products.</summary>
    private static Tensor Unroll(Decoder decoder, Tensor embedded, DecoderState state, EncodedSource source)
    {
        using var scope = NewDisposeScope();
        var inputs = embedded.unbind(1);                                         // T × (B, E)
        int steps = inputs.Length;
        long rows = embedded.shape[0];
        var gru = decoder.Gru!;
        var input = new UnrolledLinear(gru.weight_ih!, gru.bias_ih, steps, rows);
        var hidden = new UnrolledLinear(gru.weight_hh!, gru.bias_hh, steps, rows);
        var combine = new UnrolledLinear(decoder.CombineWeight, null, steps, rows);
        var token = UnrolledLinear.Begin([input, hidden, combine]);              // ties the steps to the weight gradients
        var attentional = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            // A step's intermediates are released when the step ends; what back-propagation needs, autograd keeps.
            using var stepScope = NewDisposeScope();
            Tensor[] x = decoder.InputFeeding ? [inputs[t], state.Attentional] : [inputs[t]]; // the parts of x_t
            var inputGates = input.Apply(t, token, x);                           // (B, 3H)
            var h = GruGates.Step(inputGates, hidden.Apply(t, token, state.Hidden), state.Hidden); // (B, H)
            var (context, _) = decoder.Attend(h, source);                        // (B, K)
            var att = tanh(combine.Apply(t, token, h, context));                 // (B, H)
            state = new DecoderState(h, att).MoveToOuterDisposeScope();
            attentional[t] = att;                                                // (B, H)
        }
        return stack(attentional, dim: 1).MoveToOuterDisposeScope();             // (B, T, H)
    }
}
