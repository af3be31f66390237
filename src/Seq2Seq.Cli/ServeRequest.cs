using System.Text.Json;
using Seq2Seq.Inference;
using Seq2Seq.Serving;

namespace Seq2Seq.Cli;

/// <summary>
/// A checked <c>POST /v1/translate</c> body: <c>{"text": [...], "model", "beam", "n_best", "alpha", "alignments",
/// "attention"}</c>, all but <c>text</c> optional (the model's config decides). Every fault is a
/// <see cref="ServeError"/> naming the field: 400 for a wrong type or value, 413 for too many or too long sentences.
/// </summary>
internal sealed record ServeRequest(IReadOnlyList<string> Text, ServedModel Model, DecodingOptions Options, bool Alignments, bool Attention)
{
    private static readonly string[] Fields = ["text", "model", "beam", "n_best", "alpha", "alignments", "attention"];

    public static ServeRequest Parse(ReadOnlySpan<byte> body, TranslationService service, ServeLimits limits)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new ServeError(400, $"request body: not valid JSON ({e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.')})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ServeError(400, $"request body: expected a JSON object, got {Kind(root)}");
            foreach (var property in root.EnumerateObject())
                if (!Fields.Contains(property.Name))
                    throw new ServeError(400, $"{property.Name}: unknown field (known: {string.Join(", ", Fields)})");
            var text = Sentences(root, limits);
            var model = ChosenModel(root, service);
            var defaults = model.Translator.DefaultOptions;
            int? beam = Integer(root, "beam", 1, limits.MaxBeam);
            int nbest = Integer(root, "n_best", 1, beam ?? limits.MaxBeam) ?? 1;
            beam ??= Math.Max(Math.Min(defaults.BeamSize, limits.MaxBeam), nbest);
            double alpha = Number(root, "alpha") ?? defaults.Alpha;
            bool alignments = Boolean(root, "alignments"), attention = Boolean(root, "attention");
            if ((alignments || attention) && !model.Translator.HasAttention)
                throw new ServeError(400, $"{(attention ? "attention" : "alignments")}: model '{model.Name}' has no attention (model.attention: none)");
            var options = defaults with { BeamSize = beam.Value, NBest = nbest, Alpha = alpha, KeepAttention = alignments || attention };
            return new ServeRequest(text, model, options, alignments, attention);
        }
    }

    private static List<string> Sentences(JsonElement root, ServeLimits limits)
    {
        if (!root.TryGetProperty("text", out var text)) throw new ServeError(400, "text: missing (a list of sentences)");
        var sentences = new List<string>();
        if (text.ValueKind == JsonValueKind.String)
        {
            sentences.Add(text.GetString()!);
        }
        else if (text.ValueKind == JsonValueKind.Array)
        {
            int count = text.GetArrayLength();
            if (count > limits.MaxSentences)
                throw new ServeError(413, $"text: {count} sentences; at most {limits.MaxSentences} per request (--max-sentences)");
            int i = 0;
            foreach (var item in text.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) throw new ServeError(400, $"text[{i}]: expected a string, got {Kind(item)}");
                sentences.Add(item.GetString()!);
                i++;
            }
        }
        else
        {
            throw new ServeError(400, $"text: expected a list of strings, got {Kind(text)}");
        }
        for (int i = 0; i < sentences.Count; i++)
        {
            if (sentences[i].Length > limits.MaxChars)
                throw new ServeError(413, $"text[{i}]: {sentences[i].Length} characters; at most {limits.MaxChars} per sentence (--max-chars)");
            if (sentences[i].Contains('\n') || sentences[i].Contains('\r'))
                throw new ServeError(400, $"text[{i}]: contains a line break; send one sentence per list item");
        }
        return sentences;
    }

    private static ServedModel ChosenModel(JsonElement root, TranslationService service)
    {
        if (!root.TryGetProperty("model", out var value) || value.ValueKind == JsonValueKind.Null) return service.DefaultModel;
        if (value.ValueKind != JsonValueKind.String) throw new ServeError(400, $"model: expected a string, got {Kind(value)}");
        string name = value.GetString()!;
        return service.Find(name) ?? throw new ServeError(400, $"model: no model called '{name}' (serving: {string.Join(", ", service.Models.Select(m => m.Name))})");
    }

    private static int? Integer(JsonElement root, string field, int min, int max)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int n))
            throw new ServeError(400, $"{field}: expected an integer, got {Kind(value)}");
        if (n < min || n > max) throw new ServeError(400, $"{field}: must be between {min} and {max} (got {n})");
        return n;
    }

    private static double? Number(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double x) || !double.IsFinite(x))
            throw new ServeError(400, $"{field}: expected a number, got {Kind(value)}");
        if (x < 0 || x > 10) throw new ServeError(400, $"{field}: must be between 0 and 10 (got {x})");
        return x;
    }

    private static bool Boolean(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return false;
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new ServeError(400, $"{field}: expected true or false, got {Kind(value)}");
        return value.GetBoolean();
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };
}
