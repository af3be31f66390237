using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Modeling;
using Seq2Seq.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Training;

[Collection(TorchCollection.Name)]
public class ShardGradientTests
{
    /// <summary>
    /// A batch's two shards add their gradients to the same parameters, in whichever order their threads finish.
    /// With the output layer in chunks, each shard makes several contributions to that layer; they must reach the
    /// parameters as one sum per shard, so that either order gives the same bits and runs with one seed repeat.
    /// </summary>
    [Fact]
    public void TwoShardsGiveTheSameGradientsInEitherOrder()
    {
        torch.random.manual_seed(7);
        using var scope = NewDisposeScope();
        var config = new ModelConfig { EmbeddingDim = 16, EncoderHidden = 16, DecoderHidden = 32, AttentionDim = 32, Dropout = 0.0 };
        using var model = new Seq2SeqModel(config, 50, 60);
        model.train();
        var rng = new Random(3);
        List<int[]> Sentences(int vocab) => [.. Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, rng.Next(4, 9)).Select(_ => rng.Next(4, vocab)).ToArray())];
        var (src, trg) = (Sentences(50), Sentences(60));
        using var first = Batch.Create(src, trg, [0, 2, 4, 6], CPU);
        using var second = Batch.Create(src, trg, [1, 3, 5, 7], CPU);

        List<(string Name, Tensor Grad)> Gradients(params Batch[] order)
        {
            model.zero_grad();
            foreach (var shard in order)
                TrainingLoss.LossAndGradients(model, shard, labelSmoothing: 0.1, divisor: 50, fastPaths: true, chunkElements: 3 * 60); // 3 rows a chunk
            return [.. model.named_parameters().Select(p => (p.name, p.parameter.grad!.clone()))];
        }
        var forward = Gradients(first, second);
        var backward = Gradients(second, first);
        Assert.True(forward.Count > 10);
        foreach (var ((name, a), (_, b)) in forward.Zip(backward))
            Assert.True(a.eq(b).all().item<bool>(), $"{name}: max difference {(a - b).abs().max().item<float>()}");
    }
}
