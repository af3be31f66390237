using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Modeling.Cpu;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Modeling;

[Collection(TorchCollection.Name)]
public class PackedWeightTests
{
    [SkippableTheory]
    [InlineData(64, true, 300)]
    [InlineData(17, true, 300)]   // fewer rows than packed for (finished sentences left the batch)
    [InlineData(1, true, 300)]    // one row: the output must not alias the bias
    [InlineData(100, false, 300)] // more rows than packed for, no bias
    [InlineData(64, true, 2500)]  // packed and multiplied in three column blocks
    [InlineData(5, false, 2049)]  // blocks of uneven width
    public void PackedProductEqualsTheLinearLayer(int rows, bool withBias, int outputs)
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        torch.random.manual_seed(11);
        using var scope = NewDisposeScope();
        var layer = nn.Linear(48, outputs, hasBias: withBias);
        var x = randn(rows, 48);
        using var packed = PackedWeight.TryPack(layer.weight!, layer.bias, rows: 64)!;
        Assert.NotNull(packed);
        var biasBefore = withBias ? layer.bias!.clone() : null;
        using var noGrad = no_grad();
        var expected = layer.call(x);                                            // (rows, outputs)
        var actual = packed.Apply(x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
        var again = packed.Apply(x);                                             // the pack is read, never written
        Assert.True(again.eq(actual).all().item<bool>());
        if (biasBefore is not null) Assert.True(layer.bias!.eq(biasBefore).all().item<bool>());
    }

    [SkippableTheory]
    [InlineData(64, 512, 1000, true)]  // the output layer's shape: K in blocks of MKL's depth, columns past the last panel
    [InlineData(4, 512, 1536, true)]   // the fewest rows on the AVX-512 path: one tile, two rows of it repeated
    [InlineData(13, 1024, 512, false)] // the combination's shape, no bias: the first block's sums are the output
    [InlineData(5, 256, 768, true)]    // the encoder's recurrent product: K in two halves
    [InlineData(160, 48, 70, true)]    // beam rows, K in one block, less than a panel of columns
    public void TheAvx512ProductGivesMklsNumbersBitForBit(int rows, int inputs, int outputs, bool withBias)
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        Skip.IfNot(Avx512Product.IsSupported, "this processor has no AVX-512");
        torch.random.manual_seed(13);
        using var scope = NewDisposeScope();
        var layer = nn.Linear(inputs, outputs, hasBias: withBias);
        using var packed = PackedWeight.TryPack(layer.weight!, layer.bias, rows: 64)!;
        Skip.If(packed.Avx512Depth == 0, "MKL sums in an order the AVX-512 kernel was not found to reproduce here, so MKL runs");
        var x = randn(rows, inputs).tanh();
        var start = randn(rows, outputs);
        using var noGrad = no_grad();
        OnOneThread(() =>                                                        // as in decoding's workers
        {
            var fast = packed.Apply(x);
            var fastSum = start.clone();
            packed.AddTo(x, fastSum);
            packed.Avx512Enabled = false;                                        // MKL's products
            var mkl = packed.Apply(x);
            var mklSum = start.clone();
            packed.AddTo(x, mklSum);
            Assert.True(fast.eq(mkl).all().item<bool>(), $"max difference {(fast - mkl).abs().max().item<float>()}");
            Assert.True(fastSum.eq(mklSum).all().item<bool>(), $"max difference {(fastSum - mklSum).abs().max().item<float>()}");
        });
    }

    [SkippableTheory]
    [InlineData(512, 512)] // the attention's query layer at the reference's settings
    [InlineData(48, 70)]   // K in one block, less than a panel of columns
    public void TheQueryLayerOnAvx512GivesTheLayersOwnNumbersBitForBit(int inputs, int outputs)
    {
        Skip.IfNot(Avx512Product.IsSupported, "this processor has no AVX-512");
        torch.random.manual_seed(15);
        using var scope = NewDisposeScope();
        var layer = nn.Linear(inputs, outputs, hasBias: false);
        using var query = Avx512Linear.TryCreate(layer.weight!, null);
        Skip.If(query is null, "MKL sums in an order the AVX-512 kernel was not found to reproduce here, so the layer runs");
        using var noGrad = no_grad();
        OnOneThread(() =>                                                        // as in decoding's workers
        {
            foreach (int rows in new[] { 1, 3, 4, 7, 64, 200 })                  // under 4 rows the layer itself runs
            {
                var x = randn(rows, inputs).tanh();
                var expected = layer.call(x);
                var actual = query!.Apply(x);
                Assert.True(actual.eq(expected).all().item<bool>(), $"{rows} rows: max difference {(actual - expected).abs().max().item<float>()}");
            }
        });
    }

    [SkippableTheory]
    [InlineData(7, 50, 70, 16)] // a tile of 6 and one of 4 with repeated rows; a short last block of K; a partial panel
    [InlineData(6, 64, 128, 64)] // whole tiles, panels and one block
    [InlineData(5, 64, 64, 32)]  // a tile of 6 rows with its last row repeated
    public void TheAvx512KernelSumsEachBlockOfKFromZeroAndAddsTheBlocksInTurn(int rows, int k, int n, int depth)
    {
        Skip.IfNot(Avx512Product.IsSupported, "this processor has no AVX-512");
        torch.random.manual_seed(14);
        using var scope = NewDisposeScope();
        var w = randn(n, k);
        var x = randn(rows, k);
        var bias = randn(n);
        var start = randn(rows, n);
        using var product = Avx512Product.Pack(Avx512Product.Address(w), n, k);
        float[] wv = w.data<float>().ToArray(), xv = x.data<float>().ToArray(), bv = bias.data<float>().ToArray(), sv = start.data<float>().ToArray();
        // The order written out: per block a chain of fused multiply-adds from zero, added to the output in turn.
        float Expected(int i, int j, float? from)
        {
            float y = 0;
            for (int b = 0; b < k; b += depth)
            {
                float sum = 0;
                for (int kk = b; kk < Math.Min(k, b + depth); kk++) sum = MathF.FusedMultiplyAdd(xv[i * k + kk], wv[j * k + kk], sum);
                y = b > 0 ? y + sum : from is { } f ? f + sum : sum;
            }
            return y;
        }
        var withBias = empty(rows, n);
        var without = full(rows, n, float.NaN);
        var added = start.clone();
        product.Multiply(Avx512Product.Address(x), rows, Avx512Product.Address(withBias), n, Avx512Product.Address(bias), accumulate: false, depth);
        product.Multiply(Avx512Product.Address(x), rows, Avx512Product.Address(without), n, IntPtr.Zero, accumulate: false, depth);
        product.Multiply(Avx512Product.Address(x), rows, Avx512Product.Address(added), n, IntPtr.Zero, accumulate: true, depth);
        float[] a = withBias.data<float>().ToArray(), b0 = without.data<float>().ToArray(), c = added.data<float>().ToArray();
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(Expected(i, j, bv[j]), a[i * n + j]);
                Assert.Equal(Expected(i, j, null), b0[i * n + j]);
                Assert.Equal(Expected(i, j, sv[i * n + j]), c[i * n + j]);
            }
    }

    [Fact]
    public void NothingIsPackedOffTheCpuOrForOtherTypes()
    {
        using var scope = NewDisposeScope();
        Assert.Null(PackedWeight.TryPack(ones(4, 3, dtype: ScalarType.Float64), null, 8));
        Assert.Null(PackedWeight.TryPack(ones(4), null, 8));
    }

    [SkippableTheory]
    [InlineData(RnnType.Gru, true, PackedDecoderStepper.MaxTokenGatesBytes)]
    [InlineData(RnnType.Gru, false, PackedDecoderStepper.MaxTokenGatesBytes)] // the token table alone gives the input gates
    [InlineData(RnnType.Gru, true, 0)]                           // no table: the packed input product of the embeddings
    [InlineData(RnnType.Lstm, true, PackedDecoderStepper.MaxTokenGatesBytes)]
    public void APackedDecoderStepGivesTheSameStateAndScores(RnnType rnnType, bool inputFeeding, long maxTokenGatesBytes)
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        torch.random.manual_seed(7);
        var config = new ModelConfig
        {
            RnnType = rnnType,
            EmbeddingDim = 16,
            EncoderHidden = 16,
            DecoderHidden = 32,
            AttentionDim = 24,
            Dropout = 0.1,
            InputFeeding = inputFeeding,
        };
        using var model = new Seq2SeqModel(config, 30, 40);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var src = tensor(new long[] { 5, 6, 7, 8, SubwordTokenizer.EosId, 9, 10, SubwordTokenizer.EosId, 0, 0 }, [2, 5]);
        var (source, state) = model.Encode(src, tensor(new long[] { 5, 3 }));
        var y = tensor(new long[] { 11, 12, SubwordTokenizer.PadId });
        state = state.Select(tensor(new long[] { 0, 1, 1 }));                    // a third row, fed the padding token
        source = source.Select(tensor(new long[] { 0, 1, 1 }));
        (DecoderState State, Tensor Logits) Step(DecoderStepper stepper, DecoderState from)
        {
            var (next, _) = stepper.Step(y, from, source);
            return (next, stepper.Logits(next.Attentional));
        }
        var (plain, plainLogits) = Step(new DecoderStepper(model.Decoder), state);
        (DecoderState State, Tensor Logits) packed;
        using (var packedStepper = new PackedDecoderStepper(model.Decoder, rows: 3, maxTokenGatesBytes))
        {
            Assert.Equal(rnnType == RnnType.Gru && maxTokenGatesBytes > 0, packedStepper.HasTokenGates);
            packed = Step(packedStepper, state);
            var second = Step(packedStepper, packed.State);                     // the attentional vector fed back
            var plainSecond = PlainStep(model, y, plain, source);
            Assert.True(second.State.Hidden.allclose(plainSecond.Hidden, rtol: 1e-5, atol: 1e-6));
        }
        Assert.True(packed.State.Hidden.allclose(plain.Hidden, rtol: 1e-5, atol: 1e-6));
        Assert.True(packed.State.Attentional.allclose(plain.Attentional, rtol: 1e-5, atol: 1e-6));
        Assert.True(packed.Logits.allclose(plainLogits, rtol: 1e-5, atol: 1e-5));
    }

    [SkippableFact]
    public void EachStepperOwnsItsPackAndTheModelNeverUsesOne()
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        using var model = SmallModel(seed: 8, vocab: 20);
        using var scope = NewDisposeScope();
        using var outer = new PackedDecoderStepper(model.Decoder, rows: 3);
        var inner = new PackedDecoderStepper(model.Decoder, rows: 3);
        inner.Dispose();
        inner.Dispose();                                                         // twice is once
        Assert.Throws<ObjectDisposedException>(() => inner.Logits(randn(3, 32))); // its pack is freed
        using (no_grad()) Assert.Equal([3, 20], outer.Logits(randn(3, 32)).shape); // the other stepper's pack is still there
        // With gradients (training), the model's own layer runs while a pack exists: the scores take part in autograd.
        model.train();
        Assert.True(model.Decoder.Logits(randn(3, 32)).requires_grad);
    }

    [SkippableFact]
    public void DecodingWithPackedWeightsGivesTheSameOutputsAsThePlainLayers()
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        using var model = SmallModel(seed: 9, vocab: 30);
        var rng = new Random(4);
        var sources = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, rng.Next(1, 12)).Select(_ => rng.Next(4, 30)).ToArray()).ToList();
        var options = new DecodingOptions { BeamSize = 3, BatchSize = 8, MaxLengthOffset = 5 };
        // BatchDecoding packs (fast paths by default); calling the search without a stepper runs the plain decoder.
        var packed = BatchDecoding.Decode(model, sources, options, CPU);
        for (int i = 0; i < sources.Count; i++)
        {
            using var scope = NewDisposeScope();
            var (src, lengths, _) = Data.Batch.Pad([sources[i]], prefix: null, suffix: SubwordTokenizer.EosId);
            var limit = tensor(new[] { BatchDecoding.MaxOutputLength(sources[i].Length, options) });
            var plain = BeamSearch.Decode(model, src, lengths, limit, options.BeamSize, options.Alpha)[0][0];
            Assert.Equal(plain.Ids, packed[i].Ids);
        }
    }

    [SkippableTheory]
    [InlineData(true, 1, PackedDecoderStepper.MaxTokenGatesBytes)]
    [InlineData(false, 1, PackedDecoderStepper.MaxTokenGatesBytes)]
    [InlineData(true, 2, PackedDecoderStepper.MaxTokenGatesBytes)] // the second layer's input gates: a packed product
    [InlineData(true, 1, 0)]                                      // no table: the packed product of the embeddings
    public void APackedEncoderGivesTheEncodersOutputsAndFinalStates(bool bidirectional, int layers, long maxTokenGatesBytes)
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        torch.random.manual_seed(12);
        var config = new ModelConfig
        {
            EmbeddingDim = 16,
            EncoderHidden = 16,
            EncoderLayers = layers,
            Bidirectional = bidirectional,
            DecoderHidden = 32,
            AttentionDim = 16,
            Dropout = 0.2,
        };
        using var model = new Seq2SeqModel(config, 30, 30);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Unsorted lengths, one sentence of a single token and one as long as the batch.
        int[][] rows = [[5, 6, 7], [8], [9, 10, 11, 12, 13, 14], [15, 16, 17, 18]];
        var (src, lengths, _) = Data.Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId); // (4, 7), (4)
        var plain = model.Encoder.call(src, lengths);
        using var packed = new PackedEncoder(model.Encoder, rows: 4, maxTokenGatesBytes);
        Assert.Equal(maxTokenGatesBytes > 0, packed.HasTokenGates);
        var fast = packed.Encode(src, lengths);
        Assert.Equal(plain.Output.shape, fast.Output.shape);
        Assert.True(fast.Output.allclose(plain.Output, rtol: 1e-5, atol: 1e-6), $"max difference {(fast.Output - plain.Output).abs().max().item<float>()}");
        Assert.True(fast.Final.allclose(plain.Final, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0f, fast.Output[1, 2..].abs().max().item<float>());        // zero past the sentence's end, as the plain encoder's
    }

    [SkippableFact]
    public void OnlyAGruEncoderIsPacked()
    {
        Skip.IfNot(PackedWeight.Available, "libtorch's CPU library has no MKL packing functions here");
        var config = new ModelConfig { RnnType = RnnType.Lstm, EmbeddingDim = 16, EncoderHidden = 16, DecoderHidden = 32, AttentionDim = 16 };
        using var lstm = new Seq2SeqModel(config, 20, 20);
        using var gru = SmallModel(seed: 3, vocab: 20);
        using var lstmStepper = new PackedDecoderStepper(lstm.Decoder, rows: 3, encoder: lstm.Encoder);
        using var gruStepper = new PackedDecoderStepper(gru.Decoder, rows: 3, encoder: gru.Encoder);
        Assert.False(lstmStepper.HasPackedEncoder);
        Assert.True(gruStepper.HasPackedEncoder);
    }

    /// <summary>Runs <paramref name="check"/> with libtorch's pool at one thread, then gives the pool back its size.</summary>
    private static void OnOneThread(Action check)
    {
        int pool = get_num_threads();
        try
        {
            set_num_threads(1);
            check();
        }
        finally
        {
            set_num_threads(pool);
        }
    }

    private static DecoderState PlainStep(Seq2SeqModel model, Tensor y, DecoderState state, EncodedSource source) =>
        model.Decoder.Step(model.Decoder.Embed(y), state, source).State;

    private static Seq2SeqModel SmallModel(int seed, long vocab)
    {
        torch.random.manual_seed(seed);
        var config = new ModelConfig { EmbeddingDim = 16, EncoderHidden = 16, DecoderHidden = 32, AttentionDim = 16, Dropout = 0.0 };
        var model = new Seq2SeqModel(config, vocab, vocab);
        model.eval();
        return model;
    }
}
