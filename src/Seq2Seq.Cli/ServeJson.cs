using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Seq2Seq.Inference;
using Seq2Seq.Serving;

namespace Seq2Seq.Cli;

/// <summary>The JSON bodies <c>seq2seq serve</c> answers with.</summary>
internal static class ServeJson
{
    // Accented and non-Latin text stays readable in the output; the bodies are never embedded in HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"error": message}</c>.</summary>
    public static byte[] Error(string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>{"model", "translations": [{"text", "score", "n_best"?, "alignment"?, "source_tokens"?, "target_tokens"?,
    /// "attention"?}], "elapsed_ms"}</c>: n_best when more than one was asked for, alignment and attention when asked.
    /// </summary>
    public static byte[] Translations(ServeRequest request, IReadOnlyList<Translation> results, double elapsedMs) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", request.Model.Name);
        w.WriteStartArray("translations");
        foreach (var t in results)
        {
            w.WriteStartObject();
            w.WriteString("text", t.Text);
            w.WriteNumber("score", Math.Round(t.Score, 6));
            if (request.Options.NBest > 1)
            {
                w.WriteStartArray("n_best");
                foreach (var h in t.NBest)
                {
                    w.WriteStartObject();
                    w.WriteString("text", h.Text);
                    w.WriteNumber("score", Math.Round(h.Score, 6));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (request.Alignments) w.WriteString("alignment", t.Attention is null ? "" : WordAlignment.Format(t.Alignment()));
            if (request.Attention) Attention(w, t);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("elapsed_ms", Math.Round(elapsedMs, 1));
        w.WriteEndObject();
    });

    /// <summary>The attention matrix with its labels: a row per target token (and EOS when generated), a column per source token and EOS.</summary>
    private static void Attention(Utf8JsonWriter w, Translation t)
    {
        var rows = t.Attention ?? [];
        w.WriteStartArray("source_tokens");
        foreach (var s in t.SourceTokens) w.WriteStringValue(s);
        if (t.SourceTokens.Count > 0) w.WriteStringValue(AttentionSvg.EosLabel);
        w.WriteEndArray();
        w.WriteStartArray("target_tokens");
        foreach (var s in t.Tokens) w.WriteStringValue(s);
        if (rows.Length > t.Tokens.Count) w.WriteStringValue(AttentionSvg.EosLabel);
        w.WriteEndArray();
        w.WriteStartArray("attention");
        foreach (var row in rows)
        {
            w.WriteStartArray();
            foreach (float weight in row) w.WriteNumberValue(MathF.Round(weight, 4));
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary><c>{"models": [{"name", "directory", "variant", "source_vocabulary", "target_vocabulary", "steps", "dev_bleu", ...}]}</c>.</summary>
    public static byte[] Models(TranslationService service) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("models");
        foreach (var m in service.Models)
        {
            var defaults = m.Translator.DefaultOptions;
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteString("directory", m.Directory);
            w.WriteString("variant", m.Variant);
            w.WriteString("source_language", m.Translator.Config.Data.Src);
            w.WriteString("target_language", m.Translator.Config.Data.Trg);
            w.WriteNumber("source_vocabulary", m.VocabularySizes.Source);
            w.WriteNumber("target_vocabulary", m.VocabularySizes.Target);
            w.WriteNumber("steps", m.Steps);
            if (m.DevBleu is double bleu) w.WriteNumber("dev_bleu", bleu);
            else w.WriteNull("dev_bleu");
            w.WriteNumber("beam", defaults.BeamSize);
            w.WriteNumber("alpha", defaults.Alpha);
            w.WriteBoolean("attention", m.Translator.HasAttention);
            w.WriteBoolean("default", ReferenceEquals(m, service.DefaultModel));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary><c>{"status": "ok", "models", "threads", "queued"}</c>.</summary>
    public static byte[] Health(TranslationService service) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("status", "ok");
        w.WriteNumber("models", service.Models.Count);
        w.WriteNumber("threads", service.Threads);
        w.WriteNumber("queued", service.Queued);
        w.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options)) write(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
