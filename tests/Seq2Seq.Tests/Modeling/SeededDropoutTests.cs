using Seq2Seq.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Modeling;

[Collection(TorchCollection.Name)]
public class SeededDropoutTests
{
    [Fact]
    public void TheSameGeneratorSeedGivesTheSameMaskAndKeptValuesAreScaled()
    {
        using var dropout = new SeededDropout(0.25);
        dropout.train();
        using var x = ones(200, 50);
        Tensor Apply(ulong seed)
        {
            using var generator = new Generator(seed);
            using var use = SeededDropout.UseGenerator(generator);
            return dropout.call(x);
        }
        using var a = Apply(7);
        using var b = Apply(7);
        using var c = Apply(8);
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
        var values = a.data<float>().ToArray();
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - 1f / 0.75f) < 1e-6f, $"value {v}"));
        double dropped = values.Count(v => v == 0f) / (double)values.Length;
        Assert.InRange(dropped, 0.22, 0.28);
    }

    [Fact]
    public void EvaluationModeAndZeroRateLeaveTheInputAlone()
    {
        using var x = randn(10, 10);
        using var dropout = new SeededDropout(0.5);
        dropout.eval();
        Assert.True(dropout.call(x).eq(x).all().item<bool>());
        using var none = new SeededDropout(0.0);
        none.train();
        Assert.True(none.call(x).eq(x).all().item<bool>());
    }

    [Fact]
    public void TheGeneratorBelongsToTheThreadThatSetIt()
    {
        using var dropout = new SeededDropout(0.5);
        dropout.train();
        using var x = ones(100, 100);
        Tensor Masked(ulong seed)
        {
            using var generator = new Generator(seed);
            using var use = SeededDropout.UseGenerator(generator);
            return dropout.call(x);
        }
        using var alone = Masked(3);
        Tensor? other = null;
        var thread = new Thread(() => other = Masked(4));
        thread.Start();
        using var concurrent = Masked(3);
        thread.Join();
        Assert.True(alone.eq(concurrent).all().item<bool>());
        Assert.False(alone.eq(other!).all().item<bool>());
        other!.Dispose();
    }
}
