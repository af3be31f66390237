using Seq2Seq.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Training;

[Collection(TorchCollection.Name)]
public class ClippedAdamTests
{
    /// <summary>
    /// Two copies of the same layers with the same gradients, one stepped by clip_grad_norm_ and TorchSharp's Adam,
    /// the other by ClippedAdam on two threads in slices that cut across tensors: parameters, moving averages and
    /// step counts must match exactly, step after step.
    /// </summary>
    [Theory]
    [InlineData(0.5, 0.0, 1000L)]    // clipping active (the gradients' norm is far above 0.5)
    [InlineData(1e6, 0.0, 1000L)]    // clipping inactive: coefficient 1
    [InlineData(0.0, 0.0, 1000L)]    // no clipping at all
    [InlineData(0.5, 0.01, 333L)]    // weight decay; slices of odd length
    [InlineData(0.5, 0.0, 1L << 18)] // the default slices: each tensor in one
    public void StepsEqualClipGradNormAndTorchSharpsAdam(double maxNorm, double weightDecay, long sliceElements)
    {
        using var scope = NewDisposeScope();
        using var workers = new WorkerThreads(2);
        var (expected, actual) = (Layers(), Layers());
        using var expectedAdam = optim.Adam(expected, lr: 0.01, beta1: 0.9, beta2: 0.98, weight_decay: weightDecay);
        using var actualAdam = optim.Adam(actual, lr: 0.01, beta1: 0.9, beta2: 0.98, weight_decay: weightDecay);
        var generator = new Generator(5);
        for (int step = 0; step < 4; step++)
        {
            foreach (var (e, a) in expected.Zip(actual))
            {
                var grad = randn(e.shape, generator: generator) * 3;
                e.grad = grad.clone();
                a.grad = grad.clone();
            }
            double expectedNorm = maxNorm > 0 ? nn.utils.clip_grad_norm_(expected, maxNorm) : double.NaN;
            expectedAdam.step();
            using var actualNorm = ClippedAdam.Step(actualAdam, maxNorm, workers, sliceElements);
            Assert.Equal(expectedNorm, actualNorm?.item<float>() ?? double.NaN, 5);
            for (int i = 0; i < expected.Count; i++)
            {
                var (e, a) = (expected[i], actual[i]);
                Assert.True(e.eq(a).all().item<bool>(), $"step {step + 1}, tensor {i}: max difference {(e - a).abs().max().item<float>()}");
                Assert.True(e.grad!.eq(a.grad!).all().item<bool>(), $"step {step + 1}, tensor {i}'s gradient");
            }
        }
        var expectedStates = expectedAdam.state_dict().State.Cast<Adam.State>().ToList();
        var actualStates = actualAdam.state_dict().State.Cast<Adam.State>().ToList();
        foreach (var (e, a) in expectedStates.Zip(actualStates))
        {
            Assert.Equal(e.step, a.step);
            Assert.True(e.exp_avg.eq(a.exp_avg).all().item<bool>() && e.exp_avg_sq.eq(a.exp_avg_sq).all().item<bool>());
        }
    }

    [Fact]
    public void ParametersWithoutGradientsAreLeftAlone()
    {
        using var scope = NewDisposeScope();
        using var workers = new WorkerThreads(2);
        var parameters = Layers();
        using var adam = optim.Adam(parameters, lr: 0.01);
        parameters[0].grad = ones_like(parameters[0]);
        var (stepped, untouched) = (parameters[0].detach().clone(), parameters[1].detach().clone());
        ClippedAdam.Step(adam, 1.0, workers);
        Assert.True(parameters[1].eq(untouched).all().item<bool>());
        var states = adam.state_dict().State.Cast<Adam.State>().ToList();
        Assert.Equal(1, states[0].step);
        Assert.Equal(0, states[1].step);
        Assert.False(parameters[0].eq(stepped).all().item<bool>());
    }

    /// <summary>Tensors of several shapes, larger and smaller than the test's slices; the same values every call.</summary>
    private static List<Parameter> Layers()
    {
        var generator = new Generator(3);
        return [.. new long[][] { [60, 40], [60], [90, 60], [90, 30], [50, 7] }.Select(shape => new Parameter(randn(shape, generator: generator)))];
    }
}
