using Seq2Seq.Modeling;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Modeling;

[Collection(TorchCollection.Name)]
public class SeededDropoutTests
{
    /// <summary>Dropout of <paramref name="x"/> with masks from a generator seeded with <paramref name="seed"/>, on this thread.</summary>
    private static Tensor Apply(SeededDropout dropout, Tensor x, ulong seed)
    {
        using var generator = new Generator(seed);
        using var use = SeededDropout.UseGenerator(generator);
        return dropout.call(x);
    }

    [Fact]
    public void TheSameGeneratorSeedGivesTheSameMaskAndKeptValuesAreScaled()
    {
        using var dropout = new SeededDropout(0.25);
        dropout.train();
        using var x = ones(200, 50);
        using var a = Apply(dropout, x, 7);
        using var b = Apply(dropout, x, 7);
        using var c = Apply(dropout, x, 8);
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
        using var alone = Apply(dropout, x, 3);
        Tensor? other = null;
        var thread = new Thread(() => other = Apply(dropout, x, 4));
        thread.Start();
        using var concurrent = Apply(dropout, x, 3);
        thread.Join();
        Assert.True(alone.eq(concurrent).all().item<bool>());
        Assert.False(alone.eq(other!).all().item<bool>());
        other!.Dispose();
    }
}
