using System.Collections;

namespace Seq2Seq.Config;

/// <summary>
/// The corpus prefixes of <c>data.test</c>: one (<c>test: data/test</c>) or several (<c>test: [data/a, data/b]</c>),
/// scored by <c>seq2seq test</c> in this order. A string converts to a single test set; equal when the prefixes are.
/// </summary>
public sealed class TestSets : IReadOnlyList<string>, IEquatable<TestSets>
{
    private readonly string[] prefixes;

    /// <summary>The test sets <paramref name="prefixes"/>, in order.</summary>
    public TestSets(IEnumerable<string> prefixes) => this.prefixes = [.. prefixes];

    /// <summary>One test set.</summary>
    public static implicit operator TestSets?(string? prefix) => prefix is null ? null : new TestSets([prefix]);

    /// <inheritdoc />
    public string this[int index] => prefixes[index];

    /// <inheritdoc />
    public int Count => prefixes.Length;

    /// <inheritdoc />
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)prefixes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(TestSets? other) => other is not null && prefixes.SequenceEqual(other.prefixes, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TestSets);

    /// <inheritdoc />
    public override int GetHashCode() => prefixes.Aggregate(17, (h, p) => HashCode.Combine(h, StringComparer.Ordinal.GetHashCode(p)));

    /// <summary>The prefixes, comma-separated.</summary>
    public override string ToString() => string.Join(", ", prefixes);
}
