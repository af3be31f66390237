using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Modeling.Cpu;

/// <summary>
/// The encoder's GRU for decoding on the CPU, with its products on weights packed once (<see cref="PackedWeight"/>).
/// libtorch's GRU over packed sequences multiplies every step's inputs by W_ih and its state by W_hh, copying both
/// weights into the kernel's layout at every step. Here the first layer's input gates of every source token are
/// tabulated once (its embedding times W_ihᵀ plus b_ih, V × 3H per direction), so a batch looks its rows up; a
/// higher layer's come from one packed product over all positions; each step multiplies the state by packed W_hh.
/// <para>All sentences of a batch step together; a row whose sentence has ended (or, reading backwards, not yet
/// begun) keeps its state, and its outputs there are zero, as <see cref="Encoder"/>'s padded outputs. The numbers
/// are <see cref="Encoder"/>'s in eval mode up to the rounding of the products' sums (<see cref="GruGates"/> keeps
/// libtorch's order of operations).</para>
/// <para>Created from an encoder in eval mode, without gradients; the weights must not change while it lives (it
/// holds copies). Its methods only read them, so threads may share it. Dispose frees the packs.</para>
/// </summary>
internal sealed class PackedEncoder : IDisposable
{
    private readonly Encoder encoder;
    private readonly Tensor?[] tokenGates;        // per direction (V, 3H): emb W_ihᵀ + b_ih of every token; first layer
    private readonly PackedWeight?[,] input;      // [layer, direction]: W_ih, b_ih (higher layers, or without the table)
    private readonly PackedWeight[,] hidden;      // [layer, direction]: W_hh, b_hh
    private readonly int layers, directions;
    private readonly int size;                    // H, per direction

    /// <summary>Whether <paramref name="encoder"/> can be packed here: a GRU with float weights on the CPU, MKL present.</summary>
    public static bool Supports(Encoder encoder)
    {
        if (!PackedWeight.Available || encoder.Gru is null) return false;
        using var scope = NewDisposeScope();                                     // the embedding's weight is a new handle at every read
        var weight = encoder.EmbeddingWeight;                                    // (V, E)
        return weight.device_type == DeviceType.CPU && weight.dtype == ScalarType.Float32;
    }

    /// <summary>
    /// Packs <paramref name="encoder"/>'s GRU for batches of about <paramref name="rows"/> sentences (the count only
    /// guides MKL's blocking). The token tables are built when both directions' take at most
    /// <paramref name="maxTokenGatesBytes"/>. Call only where <see cref="Supports"/> holds.
    /// </summary>
    public PackedEncoder(Encoder encoder, int rows, long maxTokenGatesBytes = PackedDecoderStepper.MaxTokenGatesBytes)
    {
        if (!Supports(encoder)) throw new InvalidOperationException("the encoder's weights cannot be packed here");
        this.encoder = encoder;
        var gru = encoder.Gru!;
        layers = (int)encoder.Layers;
        directions = encoder.Bidirectional ? 2 : 1;
        size = (int)(encoder.OutputSize / directions);
        tokenGates = new Tensor?[directions];
        input = new PackedWeight?[layers, directions];
        hidden = new PackedWeight[layers, directions];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = gru.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var embedding = encoder.EmbeddingWeight;                                 // (V, E)
        bool table = embedding.shape[0] * 3 * size * sizeof(float) * directions <= maxTokenGatesBytes;
        for (int l = 0; l < layers; l++)
        {
            for (int d = 0; d < directions; d++)
            {
                string suffix = d == 0 ? $"_l{l}" : $"_l{l}_reverse";
                var (wih, bih) = (weights["weight_ih" + suffix], weights["bias_ih" + suffix]); // (3H, E or dirs*H), (3H)
                if (l == 0 && table) tokenGates[d] = nn.functional.linear(embedding, wih, bih).DetachFromDisposeScope(); // (V, 3H)
                else input[l, d] = PackedWeight.Pack(wih, bih, rows);
                hidden[l, d] = PackedWeight.Pack(weights["weight_hh" + suffix], weights["bias_hh" + suffix], rows);
            }
        }
    }

    /// <summary>The encoder whose GRU this is.</summary>
    public Encoder Encoder => encoder;

    /// <summary>Whether the first layer's input gates come from the tables of every token's.</summary>
    internal bool HasTokenGates => tokenGates[0] is not null;

    /// <summary>
    /// Encodes a padded batch (B, S) with CPU lengths (B) as <see cref="Encoder.forward"/> does in eval mode: every
    /// position's outputs (B, S, dirs*H), zero past a sentence's end, and the last layer's final states (B, dirs*H).
    /// </summary>
    public EncoderOutput Encode(Tensor src, Tensor lengths)
    {
        ObjectDisposedException.ThrowIf(hidden[0, 0] is null, this);
        long batch = src.shape[0], steps = src.shape[1];
        var running = ScalarConstants.Range(steps, CPU).unsqueeze(0).lt(lengths.unsqueeze(1)).to(src.device); // (B, S): inside the sentence
        Tensor output = null!, final = null!;                                    // (B, S, dirs*H), (B, dirs*H)
        for (int l = 0; l < layers; l++)
        {
            var layerInput = output;                                             // (B, S, dirs*H) of the layer below
            output = zeros(batch, steps, directions * size);                     // (B, S, dirs*H)
            var finals = new Tensor[directions];                                 // dirs × (B, H)
            for (int d = 0; d < directions; d++)
            {
                var gates = l == 0 && tokenGates[d] is { } table
                    ? table.index_select(0, src.flatten()).view(batch, steps, -1)   // (B, S, 3H)
                    : input[l, d]!.Apply((l == 0 ? encoder.Embed(src) : layerInput).view(batch * steps, -1)).view(batch, steps, -1);
                finals[d] = Run(gates, hidden[l, d], running, output[.., .., (d * size)..((d + 1) * size)], reverse: d == 1);
            }
            final = directions == 2 ? cat(finals, dim: -1) : finals[0];          // (B, dirs*H)
        }
        return new EncoderOutput(output, final);
    }

    /// <summary>
    /// One direction of one layer over the input gates (B, S, 3H): writes each position's state into
    /// <paramref name="outputs"/> (B, S, H, a view), zero where <paramref name="running"/> (B, S) is false, and
    /// returns the final state (B, H).
    /// </summary>
    private static Tensor Run(Tensor gates, PackedWeight recurrent, Tensor running, Tensor outputs, bool reverse)
    {
        long steps = gates.shape[1];
        var h = zeros(gates.shape[0], recurrent.InFeatures);                    // (B, H)
        for (long s = 0; s < steps; s++)
        {
            long t = reverse ? steps - 1 - s : s;
            using var stepScope = NewDisposeScope();
            var inside = running[.., t].unsqueeze(1);                            // (B, 1)
            var next = GruGates.StepInPlace(gates[.., t], recurrent.Apply(h), h); // (B, H)
            h.copy_(next.where(inside, h));                                      // ended (or not begun) rows keep theirs
            outputs[.., t].copy_(next.mul_(inside));                             // (B, H), zero outside the sentence
        }
        return h;
    }

    /// <summary>Frees the packs and tables.</summary>
    public void Dispose()
    {
        if (hidden[0, 0] is null) return;
        foreach (var table in tokenGates) table?.Dispose();
        for (int l = 0; l < layers; l++)
        {
            for (int d = 0; d < directions; d++)
            {
                input[l, d]?.Dispose();
                hidden[l, d].Dispose();
                hidden[l, d] = null!;
            }
        }
    }
}
