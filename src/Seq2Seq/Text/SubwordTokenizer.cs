using System.Text;
using Microsoft.ML.Tokenizers;

namespace Seq2Seq.Text;

/// <summary>
/// The <c>bpe</c> token level: byte-pair-encoding subwords, learned here from training text (<see cref="Learn"/>), stored as
/// <c>{prefix}.vocab.json</c> + <c>{prefix}.merges.txt</c> (the Hugging Face / GPT-2 file formats),
/// and applied with Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>.
/// </summary>
/// <remarks>
/// <para>Spacing: a line is cut at every space (U+0020) exactly like <c>text.Split(' ')</c>; each piece
/// is a word whose first subword carries the marker ▁ (U+2581), as in SentencePiece. The first word
/// gets the marker too. Leading, trailing and repeated spaces therefore give empty words (a lone "▁"),
/// and <see cref="Decode"/> restores the text exactly for every character seen in training. Merges never
/// cross a change between letters, digits and punctuation inside a word (as in SentencePiece), so
/// "dog." is "▁dog" + "."; merges files learned before that rule say so by their header and keep
/// being applied within whole words. Tabs and
/// other whitespace are ordinary characters inside a word.</para>
/// <para>Characters never seen in training encode to <see cref="TextTokenizer.UnkId"/> (one id per character) and
/// decode as "&lt;unk&gt;". The characters ▁, '\r' and '\n' never enter the vocabulary (▁ would
/// decode as a space; the merges file is line based), so they always encode to <see cref="TextTokenizer.UnkId"/>.</para>
/// <para>Instances are immutable; <see cref="Encode"/> and <see cref="Decode"/> may be called from
/// several threads.</para>
/// </remarks>
public sealed class SubwordTokenizer : TextTokenizer
{
    private const string MergesHeader = "#version: 0.2";

    // Marks merges learned with punctuation and digits split off words (every tokenizer learned now); files
    // without it come from before, and are applied the way they were learned: within whole words.
    private const string SplitScriptsMark = " split=scripts";

    private readonly List<(string Left, string Right)> _merges;
    private readonly BpeTokenizer _bpe;

    private readonly bool _splitScripts;

    private SubwordTokenizer(string[] tokens, List<(string Left, string Right)> merges, bool splitScripts)
        : base(tokens)
    {
        _merges = merges;
        _splitScripts = splitScripts;
        var vocabulary = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            vocabulary.Add(tokens[i], i);
        }

        // The specials are plain vocabulary entries, not BpeTokenizer special tokens: a literal "<s>"
        // in the text must stay text, not turn into BosId (and vanish on decoding).
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = merges.Select(m => $"{m.Left} {m.Right}"),
            PreTokenizer = splitScripts ? WordBoundaryPreTokenizer.Scripts : WordBoundaryPreTokenizer.Words,
            UnknownToken = SpecialTokens[UnkId],
            FuseUnknownTokens = false,
        });
    }

    /// <inheritdoc />
    public override TokenLevel Level => TokenLevel.Bpe;

    /// <summary>Number of learned merges (ranked as in <c>merges.txt</c>).</summary>
    public int MergeCount => _merges.Count;

    /// <summary>
    /// Learns a BPE vocabulary: the four specials, every character seen in <paramref name="lines"/>,
    /// then merged subwords, most frequent pair first, until <paramref name="vocabSize"/> ids exist or
    /// no adjacent pair occurs at least <paramref name="minFrequency"/> times. If the characters alone
    /// exceed <paramref name="vocabSize"/>, they are all kept and nothing is merged. Deterministic: the
    /// same lines give the same vocabulary and merges.
    /// </summary>
    /// <param name="lines">Training text, one sentence per element (no '\n' inside).</param>
    /// <param name="vocabSize">The wanted number of ids, specials included (more than 4).</param>
    /// <param name="minFrequency">The smallest pair count worth a merge (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">vocabSize ≤ 4 or minFrequency &lt; 1.</exception>
    public static SubwordTokenizer Learn(IEnumerable<string> lines, int vocabSize, int minFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(vocabSize, SpecialTokens.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFrequency, 1);
        BpeLearner.Result result = BpeLearner.Learn(lines, vocabSize, minFrequency, SpecialTokens, splitScripts: true);
        return new SubwordTokenizer([.. result.Vocabulary], result.Merges, splitScripts: true);
    }

    /// <summary>
    /// Encodes one line into subword ids, without <see cref="TextTokenizer.BosId"/> / <see cref="TextTokenizer.EosId"/>.
    /// Characters never seen in training become <see cref="TextTokenizer.UnkId"/>. Empty text gives no ids.
    /// </summary>
    public override int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        string marked = WordBoundary.Mark(text);
        IReadOnlyList<int> ids = _bpe.EncodeToIds(marked, considerPreTokenization: true, considerNormalization: false);
        return [.. ids];
    }

    /// <summary>
    /// Turns ids back into text. <see cref="TextTokenizer.PadId"/>, <see cref="TextTokenizer.BosId"/> and <see cref="TextTokenizer.EosId"/> are
    /// skipped, <see cref="TextTokenizer.UnkId"/> becomes "&lt;unk&gt;". For text whose characters were all seen in
    /// training, <c>Decode(Encode(text)) == text</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public override string Decode(IEnumerable<int> ids)
    {
        List<int> kept = [.. TextIds(ids)];

        // BpeTokenizer (no prefix/suffix options set) concatenates the subwords; the spacing is ours to undo.
        return WordBoundary.Unmark(_bpe.Decode(kept, considerSpecialTokens: true));
    }

    /// <summary>
    /// True if this subword begins a new word, i.e. starts with ▁. The words are those of
    /// <c>text.Split(' ')</c>: for non-empty text, the ids of <c>Encode(text)</c> that start a word
    /// number exactly <c>text.Split(' ').Length</c>, and each word's subwords follow its first one.
    /// (An empty word, from a repeated, leading or trailing space, is a lone "▁".) False for specials.
    /// </summary>
    public bool StartsWord(int id) =>
        (uint)id < (uint)VocabSize && IdToToken(id) is [WordBoundary.Marker, ..];

    /// <summary>
    /// Writes <c>{prefix}.vocab.json</c> (token → id) and <c>{prefix}.merges.txt</c> (one "left right"
    /// merge per line, after a "#version" header) into <paramref name="directory"/>, creating it if
    /// needed. Each file is written under a temporary name and renamed, so a crash never leaves a
    /// half-written file behind.
    /// </summary>
    public override void Save(string directory, string prefix)
    {
        base.Save(directory, prefix);
        string mergesPath = MergesPath(directory, prefix);
        AtomicFile.Write(mergesPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: -1, leaveOpen: true);
            writer.NewLine = "\n";
            writer.WriteLine(_splitScripts ? MergesHeader + SplitScriptsMark : MergesHeader);
            foreach ((string left, string right) in _merges)
            {
                writer.WriteLine($"{left} {right}");
            }
        });
    }

    /// <summary>
    /// Reads a tokenizer written by <see cref="Save"/> from <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="UserErrorException">A file is missing, unreadable or corrupt; the message names it.</exception>
    public static SubwordTokenizer Load(string directory, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        string mergesPath = MergesPath(directory, prefix);
        string[] tokens = ReadVocabulary(VocabularyPath(directory, prefix));
        (List<(string Left, string Right)> merges, bool splitScripts) = ReadMerges(mergesPath);
        try
        {
            return new SubwordTokenizer(tokens, merges, splitScripts);
        }
        catch (InvalidOperationException e)
        {
            // BpeTokenizer rejects merges whose parts or result are not in the vocabulary.
            throw new UserErrorException($"Corrupt merges file {mergesPath}: {e.Message}", e);
        }
    }

    /// <summary>The merges file of a side: <c>{directory}/{prefix}.merges.txt</c>.</summary>
    public static string MergesPath(string directory, string prefix) => Path.Combine(directory, $"{prefix}.merges.txt");

    /// <summary>
    /// Parses merges.txt the way BpeTokenizer does: skip "#version" and empty lines, one space per line. Also
    /// returns whether the header says the merges were learned with punctuation split off words.
    /// </summary>
    private static (List<(string Left, string Right)> Merges, bool SplitScripts) ReadMerges(string path)
    {
        var merges = new List<(string Left, string Right)>();
        bool splitScripts = false;
        try
        {
            int lineNumber = 0;
            foreach (string line in File.ReadLines(path))
            {
                lineNumber++;
                if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
                {
                    splitScripts |= lineNumber == 1 && line == MergesHeader + SplitScriptsMark;
                    continue;
                }

                int space = line.IndexOf(' ');
                if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
                {
                    throw new UserErrorException($"Corrupt merges file {path}, line {lineNumber}: expected two tokens separated by one space.");
                }

                merges.Add((line[..space], line[(space + 1)..]));
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserErrorException($"Subword merges file not found: {path}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"Cannot read subword merges file {path}: {e.Message}", e);
        }

        return (merges, splitScripts);
    }
}
