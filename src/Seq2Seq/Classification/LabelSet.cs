using Seq2Seq.Data;

namespace Seq2Seq.Classification;

/// <summary>The labels a classifier knows, in the order of its outputs (ordinal order of the training labels).</summary>
public sealed class LabelSet
{
    private readonly Dictionary<string, int> index;

    private LabelSet(IReadOnlyList<string> names)
    {
        Names = names;
        index = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The label names; output i of the model is <c>Names[i]</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of labels.</summary>
    public int Count => Names.Count;

    /// <summary>The labels that occur in <paramref name="labels"/>, in ordinal order.</summary>
    public static LabelSet From(IEnumerable<string> labels) => new([.. labels.Distinct().Order(StringComparer.Ordinal)]);

    /// <summary>The output index of <paramref name="name"/>, one of <see cref="Names"/>.</summary>
    public int IndexOf(string name) => index[name];

    /// <summary>The output index of each of <paramref name="labels"/> (read from <paramref name="path"/>, line i + 1 for label i).</summary>
    /// <exception cref="UserErrorException">A label is not one of <see cref="Names"/>; the message names the file and line.</exception>
    public int[] Indices(IReadOnlyList<string> labels, string path)
    {
        var result = new int[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            if (!index.TryGetValue(labels[i], out result[i]))
                throw new UserErrorException($"{path}:{i + 1}: unknown label '{labels[i]}' (the model knows {string.Join(", ", Names)})");
        }
        return result;
    }

    /// <summary>Writes the names, one a line, atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, string.Join("\n", Names) + "\n");

    /// <summary>Reads names written by <see cref="Save"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing or holds no label.</exception>
    public static LabelSet Load(string path)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such file (is this a classifier's model directory?)");
        var names = TextFile.ReadLines(path).Where(l => l.Length > 0).ToList();
        if (names.Count == 0) throw new UserErrorException($"{path}: empty file: expected the classifier's labels, one a line");
        return new LabelSet(names);
    }
}
