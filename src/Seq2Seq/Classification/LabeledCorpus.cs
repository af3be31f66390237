using Seq2Seq.Data;

namespace Seq2Seq.Classification;

/// <summary>Sentences and their labels, read from a text file and a label file that hold one line each per sentence.</summary>
public sealed class LabeledCorpus
{
    private LabeledCorpus(IReadOnlyList<string> sentences, IReadOnlyList<string> labels)
    {
        Sentences = sentences;
        Labels = labels;
    }

    /// <summary>The sentences, in file order.</summary>
    public IReadOnlyList<string> Sentences { get; }

    /// <summary>The label of each sentence.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Number of sentences.</summary>
    public int Count => Sentences.Count;

    /// <summary>
    /// Reads <paramref name="textPath"/> and <paramref name="labelPath"/> (labels trimmed).
    /// </summary>
    /// <exception cref="UserErrorException">A file is missing or empty, the two differ in length (the message names the
    /// first line that one of them lacks), or a sentence or label is empty (named by file and line).</exception>
    public static LabeledCorpus Read(string textPath, string labelPath, bool lowercase)
    {
        var sentences = ReadSentences(textPath, lowercase);
        var labels = ReadNonEmpty(labelPath, "label").ConvertAll(l => l.Trim());
        if (sentences.Count != labels.Count)
        {
            var (shorter, longer) = sentences.Count < labels.Count ? (textPath, labelPath) : (labelPath, textPath);
            int missing = Math.Min(sentences.Count, labels.Count) + 1;
            throw new UserErrorException($"{shorter}:{missing}: missing: {textPath} has {sentences.Count} lines but {labelPath} has {labels.Count} " +
                $"(one label a line for each sentence of {longer})");
        }
        return new LabeledCorpus(sentences, labels);
    }

    /// <summary>Reads the sentences of <paramref name="path"/>: at least one, none empty.</summary>
    /// <exception cref="UserErrorException">The file is missing or empty, or a line is empty (named by file and line).</exception>
    public static List<string> ReadSentences(string path, bool lowercase)
    {
        var lines = ReadNonEmpty(path, "sentence");
        return lowercase ? lines.ConvertAll(s => s.ToLowerInvariant()) : lines;
    }

    /// <summary>The sentences of <paramref name="lines"/> (from <paramref name="name"/>), checked as <see cref="ReadSentences"/> checks a file's.</summary>
    public static void CheckSentences(IReadOnlyList<string> lines, string name)
    {
        if (lines.Count == 0) throw new UserErrorException($"{name}: empty: nothing to classify");
        for (int i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                throw new UserErrorException($"{name}:{i + 1}: empty sentence (every line is a sentence to classify)");
        }
    }

    private static List<string> ReadNonEmpty(string path, string what)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such file");
        var lines = TextFile.ReadLines(path);
        if (lines.Count == 0) throw new UserErrorException($"{path}: empty file: expected one {what} a line");
        for (int i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                throw new UserErrorException($"{path}:{i + 1}: empty line: expected one {what} a line");
        }
        return lines;
    }
}
