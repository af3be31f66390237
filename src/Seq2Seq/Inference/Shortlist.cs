using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// A lexical vocabulary shortlist: for every source token the target tokens it most likely translates to, and the
/// most frequent target tokens. A batch decodes over the union for its sentences only (<see cref="IdsFor"/>), so
/// the output layer and softmax of every step cover a few hundred or thousand target tokens instead of all of them.
/// Built from a training corpus by <see cref="ShortlistBuilder"/>; tied to the two vocabularies it was built with
/// (<see cref="Check"/> refuses another model's).
/// <para>The file is text: a header line, the fingerprints of the two vocabularies, the frequent target ids, then one
/// line per source id with its target ids, best first.</para>
/// </summary>
public sealed class Shortlist
{
    private const string Header = "seq2seq-shortlist 1";

    private Shortlist(string sourceFingerprint, string targetFingerprint, int targetSize, int[] frequent, int[][] bySource)
    {
        SourceFingerprint = sourceFingerprint;
        TargetFingerprint = targetFingerprint;
        TargetSize = targetSize;
        Frequent = frequent;
        BySource = bySource;
    }

    /// <summary>The source vocabulary's fingerprint (<see cref="Fingerprint"/>).</summary>
    public string SourceFingerprint { get; }

    /// <summary>The target vocabulary's fingerprint.</summary>
    public string TargetFingerprint { get; }

    /// <summary>The target vocabulary's size.</summary>
    public int TargetSize { get; }

    /// <summary>The most frequent target ids, always decoded over.</summary>
    public IReadOnlyList<int> Frequent { get; }

    /// <summary>Per source id, its likely target ids, best first (empty for ids never seen in the corpus).</summary>
    public IReadOnlyList<int[]> BySource { get; }

    /// <summary>A shortlist of <paramref name="frequent"/> target ids and <paramref name="bySource"/> lists for the two vocabularies.</summary>
    public static Shortlist Create(TextTokenizer source, TextTokenizer target, int[] frequent, int[][] bySource)
    {
        if (bySource.Length != source.VocabSize) throw new ArgumentException($"expected a list for each of the {source.VocabSize} source ids", nameof(bySource));
        if (frequent.Concat(bySource.SelectMany(l => l)).Any(id => (uint)id >= (uint)target.VocabSize))
            throw new ArgumentException("a target id is outside the target vocabulary", nameof(bySource));
        return new Shortlist(Fingerprint(source), Fingerprint(target), target.VocabSize, frequent, bySource);
    }

    /// <summary>
    /// (U) the target ids a batch of <paramref name="sources"/> (source ids) decodes over, ascending: the special
    /// tokens, the frequent ids and every source token's list, on <paramref name="device"/>.
    /// </summary>
    public Tensor IdsFor(IEnumerable<int[]> sources, Device device)
    {
        var chosen = new bool[TargetSize];
        for (int id = 0; id <= TextTokenizer.EosId; id++) chosen[id] = true;
        foreach (int id in Frequent) chosen[id] = true;
        foreach (var sentence in sources)
            foreach (int s in sentence)
                if ((uint)s < (uint)BySource.Count)
                    foreach (int t in BySource[s]) chosen[t] = true;
        var ids = new List<long>();
        for (int id = 0; id < chosen.Length; id++)
            if (chosen[id]) ids.Add(id);
        return tensor(ids.ToArray(), device: device);
    }

    /// <summary>
    /// Refuses a shortlist built for other vocabularies than <paramref name="source"/> and <paramref name="target"/>
    /// (another model's), naming <paramref name="file"/> and <paramref name="model"/>.
    /// </summary>
    /// <exception cref="UserErrorException">A vocabulary differs.</exception>
    public void Check(TextTokenizer source, TextTokenizer target, string file, string model)
    {
        if (Fingerprint(source) != SourceFingerprint)
            throw new UserErrorException($"{file}: built for another source vocabulary than {model}'s (build one with 'seq2seq shortlist --model {model}')");
        if (Fingerprint(target) != TargetFingerprint || target.VocabSize != TargetSize)
            throw new UserErrorException($"{file}: built for another target vocabulary than {model}'s (build one with 'seq2seq shortlist --model {model}')");
    }

    /// <summary>
    /// A vocabulary's fingerprint: the first 16 hex digits of the SHA-256 of its tokens in id order. Computed once per
    /// tokenizer (a tokenizer never changes), since every translate call checks its options' shortlist.
    /// </summary>
    public static string Fingerprint(TextTokenizer tokenizer) => fingerprints.GetValue(tokenizer, Hash);

    private static readonly ConditionalWeakTable<TextTokenizer, string> fingerprints = [];

    private static string Hash(TextTokenizer tokenizer)
    {
        var text = new StringBuilder();
        for (int id = 0; id < tokenizer.VocabSize; id++) text.Append(tokenizer.IdToToken(id)).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>Writes the shortlist to <paramref name="path"/> (atomically).</summary>
    public void Save(string path)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"source_vocabulary\t{SourceFingerprint}\t{BySource.Count}\n");
        text.Append(CultureInfo.InvariantCulture, $"target_vocabulary\t{TargetFingerprint}\t{TargetSize}\n");
        text.Append("frequent\t").AppendJoin(' ', Frequent).Append('\n');
        for (int s = 0; s < BySource.Count; s++) text.Append(CultureInfo.InvariantCulture, $"{s}\t").AppendJoin(' ', BySource[s]).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a shortlist file written by <see cref="Save"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing or malformed (the message names the file and line).</exception>
    public static Shortlist Load(string path)
    {
        if (!File.Exists(path)) throw new UserErrorException($"{path}: no such shortlist file");
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header) throw new UserErrorException($"{path}:1: not a shortlist file (expected '{Header}')");
        if (lines.Length < 4) throw new UserErrorException($"{path}: cut short ({lines.Length} lines)");
        var (srcPrint, srcSize) = Vocabulary(path, lines, 1, "source_vocabulary");
        var (trgPrint, trgSize) = Vocabulary(path, lines, 2, "target_vocabulary");
        if (!lines[3].StartsWith("frequent\t", StringComparison.Ordinal)) throw new UserErrorException($"{path}:4: expected 'frequent<TAB>ids'");
        var frequent = Ids(path, 4, lines[3]["frequent\t".Length..], trgSize);
        if (lines.Length != 4 + srcSize) throw new UserErrorException($"{path}: expected {srcSize} source lines after line 4, found {lines.Length - 4}");
        var bySource = new int[srcSize][];
        for (int s = 0; s < srcSize; s++)
        {
            int number = 5 + s;
            var fields = lines[4 + s].Split('\t');
            if (fields.Length != 2 || fields[0] != s.ToString(CultureInfo.InvariantCulture))
                throw new UserErrorException($"{path}:{number}: expected '{s}<TAB>target ids'");
            bySource[s] = Ids(path, number, fields[1], trgSize);
        }
        return new Shortlist(srcPrint, trgPrint, trgSize, frequent, bySource);
    }

    private static (string Fingerprint, int Size) Vocabulary(string path, string[] lines, int index, string key)
    {
        var fields = lines[index].Split('\t');
        if (fields.Length != 3 || fields[0] != key || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= TextTokenizer.EosId)
            throw new UserErrorException($"{path}:{index + 1}: expected '{key}<TAB>fingerprint<TAB>size'");
        return (fields[1], size);
    }

    private static int[] Ids(string path, int number, string text, int size)
    {
        if (text.Length == 0) return [];
        var parts = text.Split(' ');
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]) || ids[i] >= size)
                throw new UserErrorException($"{path}:{number}: '{parts[i]}' is not a target id below {size}");
        return ids;
    }
}
