using Seq2Seq.Text;

namespace Seq2Seq.Data;

/// <summary>Line-aligned source and target text of one corpus split (e.g. <c>train.fr</c> + <c>train.en</c>).</summary>
public sealed class ParallelCorpus
{
    /// <summary>Source sentences.</summary>
    public IReadOnlyList<string> Source { get; }

    /// <summary>Target sentences, line-aligned with <see cref="Source"/>.</summary>
    public IReadOnlyList<string> Target { get; }

    private ParallelCorpus(IReadOnlyList<string> source, IReadOnlyList<string> target)
    {
        Source = source;
        Target = target;
    }

    /// <summary>Number of sentence pairs.</summary>
    public int Count => Source.Count;

    /// <summary>Reads <c>{prefix}.{src}</c> and <c>{prefix}.{trg}</c>; different line counts are an error naming both.</summary>
    public static ParallelCorpus Read(string prefix, string src, string trg, bool lowercase)
    {
        string srcPath = $"{prefix}.{src}", trgPath = $"{prefix}.{trg}";
        foreach (var path in new[] { srcPath, trgPath })
        {
            if (!File.Exists(path)) throw new UserErrorException($"{path}: no such file");
        }
        var source = TextFile.ReadLines(srcPath);
        var target = TextFile.ReadLines(trgPath);
        if (source.Count != target.Count)
        {
            throw new UserErrorException(
                $"{srcPath} has {source.Count} lines but {trgPath} has {target.Count}: a parallel corpus needs one line per sentence on both sides");
        }
        if (lowercase)
        {
            source = source.ConvertAll(s => s.ToLowerInvariant());
            target = target.ConvertAll(s => s.ToLowerInvariant());
        }
        return new ParallelCorpus(source, target);
    }

    /// <summary>
    /// Encodes to token ids, skipping empty pairs and pairs longer than <paramref name="maxLength"/>
    /// tokens on either side (0 = no limit); the report counts what was skipped, and the tokens and
    /// &lt;unk&gt; tokens of the kept pairs.
    /// </summary>
    public EncodedCorpus Encode(TextTokenizer srcTokenizer, TextTokenizer trgTokenizer, int maxLength)
    {
        var src = new List<int[]>(Count);
        var trg = new List<int[]>(Count);
        var kept = new List<int>(Count);
        int empty = 0, tooLong = 0;
        long srcTokens = 0, srcUnknown = 0, trgTokens = 0, trgUnknown = 0;
        for (int i = 0; i < Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Source[i]) || string.IsNullOrWhiteSpace(Target[i]))
            {
                empty++;
                continue;
            }
            var s = srcTokenizer.Encode(Source[i]);
            var t = trgTokenizer.Encode(Target[i]);
            if (maxLength > 0 && (s.Length > maxLength || t.Length > maxLength))
            {
                tooLong++;
                continue;
            }
            src.Add(s);
            trg.Add(t);
            kept.Add(i);
            srcTokens += s.Length;
            trgTokens += t.Length;
            srcUnknown += s.Count(id => id == TextTokenizer.UnkId);
            trgUnknown += t.Count(id => id == TextTokenizer.UnkId);
        }
        var report = new CorpusReport(Count, src.Count, empty, tooLong)
        {
            SourceTokens = srcTokens,
            SourceUnknown = srcUnknown,
            TargetTokens = trgTokens,
            TargetUnknown = trgUnknown,
        };
        return new EncodedCorpus(src, trg, kept, report);
    }
}
