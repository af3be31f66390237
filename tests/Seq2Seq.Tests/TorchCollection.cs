namespace Seq2Seq.Tests;

/// <summary>
/// Tests that use libtorch's global state (the default random generator, the thread count) run in this
/// one collection, one after another: run in parallel, they would draw from each other's dropout masks.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "torch global state";
}
