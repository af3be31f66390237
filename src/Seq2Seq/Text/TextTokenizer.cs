using System.Text.Encodings.Web;
using System.Text.Json;

namespace Seq2Seq.Text;

/// <summary>
/// Turns a line of text into token ids and back, for one side of a model. Three kinds exist, one per
/// <see cref="TokenLevel"/>: BPE subwords (<see cref="SubwordTokenizer"/>), characters
/// (<see cref="CharTokenizer"/>) and words (<see cref="WordTokenizer"/>). All share the four special tokens
/// (ids 0..3), map what they never saw in training to <see cref="UnkId"/>, and store their vocabulary as
/// <c>{prefix}.vocab.json</c> (token → id) in the model directory; BPE adds <c>{prefix}.merges.txt</c>.
/// </summary>
/// <remarks>
/// Token strings (<see cref="IdToToken"/>) follow one convention for the word structure of the text: ▁ (U+2581,
/// <see cref="WordMarker"/>) stands for a space. A BPE subword that starts a word begins with ▁ ("▁mai", "son");
/// at the character level a space is the token "▁" itself; a word-level token is a whole word and has no marker.
/// Instances are immutable; <see cref="Encode"/> and <see cref="Decode"/> may be called from several threads.
/// </remarks>
public abstract class TextTokenizer
{
    /// <summary>Id of the padding token "&lt;pad&gt;".</summary>
    public const int PadId = 0;

    /// <summary>Id of the unknown token "&lt;unk&gt;", given to what was never seen (or kept) in training.</summary>
    public const int UnkId = 1;

    /// <summary>Id of the beginning-of-sentence token "&lt;s&gt;".</summary>
    public const int BosId = 2;

    /// <summary>Id of the end-of-sentence token "&lt;/s&gt;".</summary>
    public const int EosId = 3;

    /// <summary>The special tokens, indexed by their ids (<see cref="PadId"/> .. <see cref="EosId"/>).</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = ["<pad>", "<unk>", "<s>", "</s>"];

    /// <summary>The marker ▁ (U+2581) that stands for a space in token strings.</summary>
    public const char WordMarker = WordBoundary.Marker;

    private readonly string[] _tokens;

    /// <summary>Wraps a vocabulary: token strings in id order, the four specials first.</summary>
    private protected TextTokenizer(string[] tokens)
    {
        _tokens = tokens;
    }

    /// <summary>What a token of this tokenizer is.</summary>
    public abstract TokenLevel Level { get; }

    /// <summary>Number of ids, specials included.</summary>
    public int VocabSize => _tokens.Length;

    /// <summary>
    /// Encodes one line into ids, without <see cref="BosId"/> / <see cref="EosId"/>. What was never seen in
    /// training becomes <see cref="UnkId"/>. Empty text gives no ids.
    /// </summary>
    public abstract int[] Encode(string text);

    /// <summary>
    /// Turns ids back into text. <see cref="PadId"/>, <see cref="BosId"/> and <see cref="EosId"/> are skipped,
    /// <see cref="UnkId"/> becomes "&lt;unk&gt;".
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public abstract string Decode(IEnumerable<int> ids);

    /// <summary>The token string of an id (see the remarks of <see cref="TextTokenizer"/> for the ▁ marker).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not in the vocabulary.</exception>
    public string IdToToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _tokens.Length);
        return _tokens[id];
    }

    /// <summary>
    /// Writes the tokenizer's files into <paramref name="directory"/> (created if needed): <c>{prefix}.vocab.json</c>,
    /// plus <c>{prefix}.merges.txt</c> for BPE. Each file is written under a temporary name and renamed, so a crash
    /// never leaves a half-written file behind.
    /// </summary>
    public virtual void Save(string directory, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Directory.CreateDirectory(directory);
        AtomicFile.Write(VocabularyPath(directory, prefix), stream =>
        {
            // Relaxed escaping keeps "é", "▁" and "<s>" readable; quotes and control characters are still escaped.
            var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using var writer = new Utf8JsonWriter(stream, options);
            writer.WriteStartObject();
            for (int i = 0; i < _tokens.Length; i++)
            {
                writer.WriteNumber(_tokens[i], i);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>The config's name of a level: <c>bpe</c>, <c>char</c> or <c>word</c>.</summary>
    public static string LevelName(TokenLevel level) => level switch
    {
        TokenLevel.Bpe => "bpe",
        TokenLevel.Char => "char",
        TokenLevel.Word => "word",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown token level"),
    };

    /// <summary>
    /// Learns a tokenizer of <paramref name="level"/> from training text. For BPE, <paramref name="vocabSize"/> is
    /// the wanted size and <paramref name="minFrequency"/> the smallest pair count worth a merge; for characters and
    /// words, <paramref name="vocabSize"/> is a limit (the most frequent are kept) and <paramref name="minFrequency"/>
    /// the smallest count of a kept character or word.
    /// </summary>
    public static TextTokenizer Learn(TokenLevel level, IEnumerable<string> lines, int vocabSize, int minFrequency) => level switch
    {
        TokenLevel.Bpe => SubwordTokenizer.Learn(lines, vocabSize, minFrequency),
        TokenLevel.Char => CharTokenizer.Learn(lines, vocabSize, minFrequency),
        TokenLevel.Word => WordTokenizer.Learn(lines, vocabSize, minFrequency),
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown token level"),
    };

    /// <summary>Reads a tokenizer of <paramref name="level"/> written by <see cref="Save"/>.</summary>
    /// <exception cref="UserErrorException">A file is missing, unreadable or corrupt; the message names it.</exception>
    public static TextTokenizer Load(TokenLevel level, string directory, string prefix) => level switch
    {
        TokenLevel.Bpe => SubwordTokenizer.Load(directory, prefix),
        TokenLevel.Char => CharTokenizer.Load(directory, prefix),
        TokenLevel.Word => WordTokenizer.Load(directory, prefix),
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown token level"),
    };

    /// <summary>The vocabulary file of a side: <c>{directory}/{prefix}.vocab.json</c>.</summary>
    public static string VocabularyPath(string directory, string prefix) => Path.Combine(directory, $"{prefix}.vocab.json");

    /// <summary>The ids of <paramref name="ids"/> that carry text: pad, BOS and EOS dropped, each id checked.</summary>
    private protected IEnumerable<int> TextIds(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {id} is outside the vocabulary of {_tokens.Length}.");
            }

            if (id is not (PadId or BosId or EosId))
            {
                yield return id;
            }
        }
    }

    /// <summary>
    /// A lookup from the non-special tokens of <paramref name="tokens"/> (id order) to their ids that also takes
    /// spans, so character and word tokenizers find a slice of the text without allocating a string.
    /// </summary>
    private protected static Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> TokenIdLookup(string[] tokens)
    {
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = SpecialTokens.Count; i < tokens.Length; i++)
        {
            ids.Add(tokens[i], i);
        }

        return ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Checks the arguments of a character or word vocabulary's <c>Learn</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">vocabSize ≤ the specials or minFrequency &lt; 1.</exception>
    private protected static void CheckLearnArguments(IEnumerable<string> lines, int vocabSize, int minFrequency)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(vocabSize, SpecialTokens.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFrequency, 1);
    }

    /// <summary>
    /// Reads <c>{prefix}.vocab.json</c> into token strings in id order, checking that the ids are 0..n-1 and
    /// that the specials come first.
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing, unreadable or corrupt; the message names it.</exception>
    private protected static string[] ReadVocabulary(string path)
    {
        Dictionary<string, int>? vocabulary;
        try
        {
            using FileStream stream = File.OpenRead(path);
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UserErrorException($"Vocabulary not found: {path}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"Cannot read vocabulary {path}: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"Corrupt vocabulary {path}: {e.Message}", e);
        }

        if (vocabulary is null || vocabulary.Count <= SpecialTokens.Count)
        {
            throw new UserErrorException($"Corrupt vocabulary {path}: expected a JSON object with more than {SpecialTokens.Count} tokens.");
        }

        var tokens = new string?[vocabulary.Count];
        foreach ((string token, int id) in vocabulary)
        {
            if ((uint)id >= (uint)tokens.Length || tokens[id] is not null)
            {
                throw new UserErrorException($"Corrupt vocabulary {path}: ids must be 0..{tokens.Length - 1}, each used once (\"{token}\": {id}).");
            }

            tokens[id] = token;
        }

        for (int i = 0; i < SpecialTokens.Count; i++)
        {
            if (tokens[i] != SpecialTokens[i])
            {
                throw new UserErrorException($"Corrupt vocabulary {path}: id {i} must be \"{SpecialTokens[i]}\", not \"{tokens[i]}\".");
            }
        }

        return tokens!;
    }
}
