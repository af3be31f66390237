using Seq2Seq.Config;
using Seq2Seq.Modeling;
using Seq2Seq.Modeling.Cpu;
using Seq2Seq.Text;
using Seq2Seq.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Modeling;

[Collection(TorchCollection.Name)]
public class ModelTests
{
    private static readonly ModelConfig Small = new()
    {
        EmbeddingDim = 16,
        EncoderHidden = 16,
        DecoderHidden = 32,
        AttentionDim = 24,
        Dropout = 0.0,
    };

    [Fact]
    public void AttentionGivesPaddingExactlyZeroWeight()
    {
        torch.random.manual_seed(3);
        using var attention = new BahdanauAttention(keySize: 8, querySize: 6, hidden: 5);
        using var values = torch.randn(3, 7, 8);                                  // (B, S, K)
        using var keys = attention.ProjectKeys(values);
        var lengths = new[] { 7, 4, 1 };
        using var mask = torch.zeros(3, 7, dtype: ScalarType.Bool);
        for (int b = 0; b < 3; b++) mask[b, ..lengths[b]] = torch.tensor(true);
        using var query = torch.randn(3, 6);
        var (context, weights) = attention.Attend(query, keys, values, mask);
        var w = weights.data<float>().ToArray();
        for (int b = 0; b < 3; b++)
        {
            double sum = 0;
            for (int s = 0; s < 7; s++)
            {
                float x = w[b * 7 + s];
                if (s >= lengths[b]) Assert.Equal(0f, x);
                else Assert.True(x > 0f);
                sum += x;
            }
            Assert.Equal(1.0, sum, 5);
        }
        Assert.Equal(1f, w[2 * 7]);                                              // one real position takes all the weight
        Assert.Equal([3L, 8L], context.shape);
    }

    [Fact]
    public void AttentionWeightsAndGradientsAreThoseOfTheTanhForm()
    {
        // The energies are computed as 2vᵀσ(2x), which differs from Bahdanau's vᵀtanh(x) by the same vᵀ1 at every
        // position: the weights, and the gradients through them, must be those of the textbook form.
        torch.random.manual_seed(5);
        using var attention = new BahdanauAttention(keySize: 8, querySize: 6, hidden: 5);
        var p = attention.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        using var values = torch.randn(2, 4, 8);                                  // (B, S, K)
        using var mask = torch.ones(2, 4, dtype: ScalarType.Bool);
        mask[1, 3] = torch.tensor(false);
        using var query = torch.randn(2, 6, requires_grad: true);                // (B, Q)
        var (_, weights) = attention.Attend(query, attention.ProjectKeys(values), values, mask);
        var sums = values.matmul(p["keyLayer.weight"].t()) + query.matmul(p["queryLayer.weight"].t()).unsqueeze(1); // (B, S, A)
        var energy = sums.tanh().matmul(p["energyLayer.weight"].t()).squeeze(2);                                   // (B, S)
        var expected = torch.softmax(energy.masked_fill(mask.logical_not(), float.NegativeInfinity), dim: -1);
        Assert.True(torch.allclose(weights, expected, rtol: 0, atol: 1e-6), "weights differ from softmax(vᵀ tanh(W_k k + W_q q))");
        using var probe = torch.randn(2, 4);
        var grad = torch.autograd.grad([(weights * probe).sum()], [query])[0];
        var expectedGrad = torch.autograd.grad([(expected * probe).sum()], [query])[0];
        Assert.True(torch.allclose(grad, expectedGrad, rtol: 0, atol: 1e-6), "gradients differ from the tanh form's");
    }

    [Fact]
    public void EncoderIgnoresWhatFollowsTheSentence()
    {
        // Packed sequences: the same sentence with more padding, or with garbage after its length, encodes the same.
        torch.random.manual_seed(5);
        using var model = new Seq2SeqModel(Small, 20, 20);
        model.eval();
        using var a = torch.tensor(new long[] { 5, 6, 7, SubwordTokenizer.EosId }, [1, 4]);
        using var b = torch.tensor(new long[] { 5, 6, 7, SubwordTokenizer.EosId, 0, 0, 0 }, [1, 7]);
        var outA = model.Encoder.call(a, torch.tensor(new long[] { 4 }));
        var outB = model.Encoder.call(b, torch.tensor(new long[] { 4 }));
        Assert.True(outA.Final.allclose(outB.Final, atol: 1e-6));
        Assert.True(outA.Output.allclose(outB.Output[.., ..4], atol: 1e-6));
    }

    [Fact]
    public void OverfitsOneSmallBatch()
    {
        torch.random.manual_seed(11);
        using var model = new Seq2SeqModel(Small, 30, 30);
        var rng = new Random(2);
        var src = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, rng.Next(3, 8)).Select(_ => rng.Next(4, 30)).ToArray()).ToList();
        var trg = src.Select(s => s.Reverse().Select(x => 33 - x).Where(x => x >= 4 && x < 30).ToArray()).ToList();
        using var batch = Seq2Seq.Data.Batch.Create(src, trg, Enumerable.Range(0, 6).ToList(), torch.CPU);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        float first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            using var scope = torch.NewDisposeScope();
            var logits = model.Forward(batch.Src, batch.SrcLengths, batch.TrgIn);
            var loss = TrainingLoss.Loss(logits, batch.TrgOut, 0.0) / batch.TrgTokens;
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Assert.True(first > 2.5f, $"initial loss {first}");
        Assert.True(last < 0.05f, $"loss after 150 steps on one batch: {last} (from {first})");
        // And greedy decoding reproduces the memorised targets.
        model.eval();
        var hyps = Seq2Seq.Inference.GreedySearch.Decode(model, batch.Src, batch.SrcLengths, torch.full([6], 20L, dtype: ScalarType.Int64));
        for (int i = 0; i < 6; i++) Assert.Equal(trg[i], hyps[i].Ids);
    }

    [Fact]
    public void ChunkedOutputLayerGivesTheLossAndGradientsOfTheWholeBatch()
    {
        // Training runs the output layer and loss in chunks of rows, each backward before the next; the loss and
        // every parameter's gradient must equal the unchunked computation's (dropout off: the same function).
        torch.random.manual_seed(5);
        using var model = new Seq2SeqModel(Small with { Dropout = 0.0 }, 30, 30);
        var rng = new Random(4);
        var src = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, rng.Next(3, 9)).Select(_ => rng.Next(4, 30)).ToArray()).ToList();
        var trg = src.Select(s => s.Select(x => 33 - x).Where(x => x >= 4 && x < 30).ToArray()).ToList();
        using var batch = Seq2Seq.Data.Batch.Create(src, trg, Enumerable.Range(0, 5).ToList(), torch.CPU);
        Assert.True(batch.TrgTokens > 7, "the batch must span several chunks");

        model.zero_grad();
        var whole = TrainingLoss.BatchLoss(model, batch, 0.1, fastPaths: true);
        (whole / 3).backward();
        var expected = model.parameters().Select(p => p.grad!.clone()).ToList();

        model.zero_grad();
        var (chunked, _) = TrainingLoss.LossAndGradients(model, batch, 0.1, divisor: 3, fastPaths: true, chunkElements: 3 * 30);   // 3 rows a chunk
        Assert.Equal(whole.item<float>(), chunked, tolerance: 1e-5 * whole.item<float>());
        var actual = model.parameters().Select(p => p.grad!).ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(actual[i].allclose(expected[i], rtol: 1e-4, atol: 1e-6), $"gradient of parameter {i} differs");
        Assert.Contains(expected, g => g.abs().sum().item<float>() > 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UnrolledWeightGradientsEqualAutogradsStepByStep(bool inputFeeding)
    {
        // Teacher-forced GRU steps take the weight gradients of their products once per batch; the loss and every
        // parameter's gradient must equal those of GRUCell and Linear through autograd, step by step. Twice: the
        // gradients accumulate into .grad like autograd's.
        torch.random.manual_seed(8);
        using var model = new Seq2SeqModel(Small with { Dropout = 0.0, InputFeeding = inputFeeding }, 30, 30);
        var rng = new Random(6);
        var src = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, rng.Next(3, 9)).Select(_ => rng.Next(4, 30)).ToArray()).ToList();
        var trg = src.Select(s => s.Select(x => 33 - x).Where(x => x >= 4 && x < 30).ToArray()).ToList();
        using var batch = Seq2Seq.Data.Batch.Create(src, trg, Enumerable.Range(0, 5).ToList(), torch.CPU);

        List<Tensor> Gradients(bool unrolled, out float loss)
        {
            model.zero_grad();
            loss = 0;
            for (int pass = 0; pass < 2; pass++)
            {
                using var scope = torch.NewDisposeScope();
                var batchLoss = TrainingLoss.BatchLoss(model, batch, 0.1, fastPaths: unrolled);
                batchLoss.backward();
                loss += batchLoss.item<float>();
            }
            return model.parameters().Select(p => p.grad!.clone()).ToList();
        }

        var expected = Gradients(unrolled: false, out float expectedLoss);
        var actual = Gradients(unrolled: true, out float actualLoss);
        Assert.Equal(expectedLoss, actualLoss, tolerance: 1e-5 * expectedLoss);
        AssertSameGradients(expected, actual, model.named_parameters().Select(p => p.name).ToList());
    }

    [Fact]
    public void UnrolledWeightGradientsWhereLaterStepsTakeNoPartInTheLoss()
    {
        // A loss on the first two steps only: the later steps' products get no gradient and must add nothing.
        torch.random.manual_seed(9);
        using var model = new Seq2SeqModel(Small with { Dropout = 0.0 }, 30, 30);
        using var src = torch.tensor(new long[] { 5, 6, 7, 8, 9, 10, 11, 12 }, [2, 4]);
        using var lengths = torch.tensor(new long[] { 4, 4 });
        using var trgIn = torch.tensor(new long[] { 1, 13, 14, 15, 16, 1, 17, 18, 19, 20 }, [2, 5]);
        List<Tensor> Gradients(bool unrolled)
        {
            model.zero_grad();
            using (var scope = torch.NewDisposeScope())
            {
                var attentional = unrolled ? new UnrolledDecoder(model).Attentional(src, lengths, trgIn) : model.Attentional(src, lengths, trgIn);
                attentional[.., ..2].pow(2).sum().backward();
            }
            return Unrolled().Select(p => p.parameter.grad!.clone()).ToList();
        }
        IEnumerable<(string name, TorchSharp.Modules.Parameter parameter)> Unrolled() =>
            model.named_parameters().Where(p => p.name.StartsWith("decoder.cell") || p.name.StartsWith("decoder.combine"));
        var expected = Gradients(unrolled: false);
        var actual = Gradients(unrolled: true);
        Assert.Equal(5, actual.Count);
        AssertSameGradients(expected, actual, Unrolled().Select(p => p.name).ToList());
    }

    /// <summary>Each expected gradient is non-zero (so the comparison means something) and the actual one equals it.</summary>
    private static void AssertSameGradients(List<Tensor> expected, List<Tensor> actual, List<string> names)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].abs().sum().item<float>() > 0, $"{names[i]} has no gradient to compare");
            Assert.True(actual[i].allclose(expected[i], rtol: 1e-4, atol: 1e-6), $"gradient of {names[i]} differs");
        }
    }
}
