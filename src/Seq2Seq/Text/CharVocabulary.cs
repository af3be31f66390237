using System.Text;
using System.Text.Json;

namespace Seq2Seq.Text;

/// <summary>
/// The characters of a text and how often each occurs, numbered in code point order: what a character language
/// model reads and writes. A character is one Unicode code point (so an emoji is one character, not two UTF-16
/// halves). Saved as <c>vocab.json</c> in the model directory: <c>{"characters": [...], "counts": [...]}</c>.
/// </summary>
public sealed class CharVocabulary
{
    private readonly string[] characters;
    private readonly long[] counts;
    private readonly Dictionary<string, int> ids;

    private CharVocabulary(string[] characters, long[] counts)
    {
        this.characters = characters;
        this.counts = counts;
        ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < characters.Length; i++) ids[characters[i]] = i;
    }

    /// <summary>The characters, by id.</summary>
    public IReadOnlyList<string> Characters => characters;

    /// <summary>How often each character occurs in the text the vocabulary was built from, by id.</summary>
    public IReadOnlyList<long> Counts => counts;

    /// <summary>Number of distinct characters.</summary>
    public int Size => characters.Length;

    /// <summary>The distinct characters of <paramref name="text"/>, sorted by code point, with their counts.</summary>
    public static CharVocabulary FromText(string text)
    {
        var tally = new SortedDictionary<int, long>();
        foreach (var rune in text.EnumerateRunes())
        {
            tally[rune.Value] = tally.GetValueOrDefault(rune.Value) + 1;
        }
        return new CharVocabulary(tally.Keys.Select(c => char.ConvertFromUtf32(c)).ToArray(), tally.Values.ToArray());
    }

    /// <summary>The id of every character of <paramref name="text"/>.</summary>
    /// <exception cref="UserErrorException">A character is not in the vocabulary; the message names it and where it is.</exception>
    public int[] Encode(string text)
    {
        var result = new List<int>(text.Length);
        int position = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            string c = rune.ToString();
            if (!ids.TryGetValue(c, out int id))
                throw new UserErrorException($"character {Describe(c)} (at {position}) is not in the model's vocabulary of {Size} characters");
            result.Add(id);
            position++;
        }
        return result.ToArray();
    }

    /// <summary>The text of a sequence of ids.</summary>
    public string Decode(IEnumerable<int> sequence)
    {
        var sb = new StringBuilder();
        foreach (int id in sequence) sb.Append(characters[id]);
        return sb.ToString();
    }

    /// <summary>A character as a person can read it in a message: <c>'a'</c>, <c>'\n'</c>, <c>U+00A0</c>.</summary>
    public static string Describe(string c) => c switch
    {
        "\n" => "'\\n'",
        "\t" => "'\\t'",
        "\r" => "'\\r'",
        _ when Rune.GetRuneAt(c, 0) is var r && (Rune.IsControl(r) || Rune.IsWhiteSpace(r) && r.Value != ' ') => $"U+{r.Value:X4}",
        _ => $"'{c}'",
    };

    /// <summary>Writes the vocabulary as JSON, atomically.</summary>
    public void Save(string path)
    {
        var json = JsonSerializer.Serialize(new Stored(characters, counts), new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteAllText(path, json + "\n");
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>.</summary>
    /// <exception cref="UserErrorException">The file is missing or is not such a vocabulary.</exception>
    public static CharVocabulary Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path}: cannot read the character vocabulary: {e.Message}", e);
        }
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(json);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path}: not a character vocabulary ({e.Message})", e);
        }
        if (stored?.Characters is not { Length: > 0 } chars || stored.Counts is not { } n || n.Length != chars.Length)
            throw new UserErrorException($"{path}: not a character vocabulary (expected \"characters\" and \"counts\" of the same length)");
        foreach (var c in chars)
        {
            if (c is null || c.EnumerateRunes().Count() != 1)
                throw new UserErrorException($"{path}: not a character vocabulary ({(c is null ? "null" : $"'{c}'")} is not one character)");
        }
        if (chars.Distinct(StringComparer.Ordinal).Count() != chars.Length)
            throw new UserErrorException($"{path}: not a character vocabulary (a character is listed twice)");
        return new CharVocabulary(chars, n);
    }

    private sealed record Stored(
        [property: System.Text.Json.Serialization.JsonPropertyName("characters")] string[] Characters,
        [property: System.Text.Json.Serialization.JsonPropertyName("counts")] long[] Counts);
}
