using TorchSharp;

namespace Seq2Seq.Tests;

[Collection(TorchCollection.Name)]
public class TorchSharpLoadsTests
{
    [Fact]
    public void CreatesATensorAndRunsAGruBackward()
    {
        // Fails when libLibTorchSharp.so cannot be loaded (e.g. the GLIBCXX_3.4.32 requirement is not weakened).
        using var t = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        Assert.Equal(15f, t.sum().item<float>());
        using var gru = torch.nn.GRU(3, 4, batchFirst: true, bidirectional: true);
        using var x = torch.randn(2, 5, 3);
        var (output, _) = gru.call(x);
        output.sum().backward();
        Assert.Equal([2L, 5L, 8L], output.shape);
        Assert.NotNull(gru.parameters().First().grad);
    }
}
