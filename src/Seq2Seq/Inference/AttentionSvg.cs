using System.Globalization;
using System.Text;
using System.Xml;

namespace Seq2Seq.Inference;

/// <summary>
/// The attention matrix of one translation as a picture, as the lectures and Bahdanau et al. draw it: source
/// subwords across the top (read upwards), target subwords down the left side, one square per (target, source)
/// pair shaded from white (weight 0) to black (weight 1). Tokens are shown as the model saw them (with their ▁
/// word markers), the end-of-sentence token <c>&lt;/s&gt;</c> included on both sides. Plain SVG 1.1, readable by
/// any browser.
/// <para>Each square is a <c>rect</c> of class <c>cell</c> carrying its exact weight in <c>data-weight</c> (and
/// <c>data-target</c>, <c>data-source</c>: the 0-based row and column) and a tooltip; each label is a <c>text</c>
/// of class <c>source</c> or <c>target</c> with <c>data-index</c>.</para>
/// </summary>
public static class AttentionSvg
{
    /// <summary>How the end of a sentence is labelled.</summary>
    public const string EosLabel = "</s>";

    private const int Cell = 22;          // side of a square, px
    private const int FontSize = 12;      // labels, monospace
    private const double CharWidth = 7.3; // advance of one monospace character at FontSize (a generous estimate)
    private const int Margin = 12;
    private const int Gap = 6;            // between a label and the grid
    private const int TitleHeight = 30;

    /// <summary>
    /// The source labels (subwords and EOS) and target labels (subwords, and EOS when the model produced it) of
    /// <paramref name="translation"/>, in the order of its attention columns and rows.
    /// </summary>
    /// <exception cref="UserErrorException">The translation has no attention weights.</exception>
    public static (string[] Source, string[] Target) Labels(Translation translation)
    {
        var rows = Weights(translation);
        string[] source = translation.SourceTokens.Count == 0 ? [] : [.. translation.SourceTokens, EosLabel];
        string[] target = rows.Length > translation.Tokens.Count ? [.. translation.Tokens, EosLabel] : [.. translation.Tokens];
        return (source, target);
    }

    /// <summary>Writes the picture of <paramref name="translation"/> to <paramref name="path"/> (atomically) with <paramref name="title"/> above it.</summary>
    /// <exception cref="UserErrorException">The translation has no attention weights, or the file cannot be written.</exception>
    public static void Write(string path, Translation translation, string title) =>
        AtomicFile.WriteAllText(path, Render(translation, title));

    /// <summary>The SVG document (UTF-8 XML) picturing <paramref name="translation"/>'s attention, titled <paramref name="title"/>.</summary>
    /// <exception cref="UserErrorException">The translation has no attention weights (a model without attention, or decoded without <see cref="DecodingOptions.KeepAttention"/>).</exception>
    public static string Render(Translation translation, string title)
    {
        ArgumentNullException.ThrowIfNull(translation);
        ArgumentNullException.ThrowIfNull(title);
        var (source, target) = Labels(translation);
        return Render(source, target, Weights(translation), title);
    }

    /// <summary>
    /// The SVG document picturing any weight matrix as <see cref="Render(Translation, string)"/> draws attention: one
    /// row of <paramref name="weights"/> per <paramref name="target"/> label, one column per <paramref name="source"/> label
    /// (a sentence classifier's pooling weights are one row over the words, labelled with the predicted label).
    /// </summary>
    public static string Render(string[] source, string[] target, float[][] weights, string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (weights.Length != target.Length || weights.Any(r => r.Length != source.Length))
            throw new ArgumentException($"attention is {weights.Length} × {(weights.Length == 0 ? 0 : weights[0].Length)}, " +
                $"labels are {target.Length} × {source.Length}", nameof(weights));

        double sourceLabels = Gap + CharWidth * Longest(source);                  // height of the rotated labels
        double targetLabels = Gap + CharWidth * Longest(target);                  // width of the row labels
        double left = Margin + targetLabels, top = Margin + TitleHeight + sourceLabels;
        double width = Math.Max(left + source.Length * Cell, Margin + CharWidth * 1.2 * Clean(title).Length) + Margin;
        double height = top + target.Length * Cell + Margin;

        var bytes = new MemoryStream();
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(bytes, settings))
        {
            const string Svg = "http://www.w3.org/2000/svg";
            xml.WriteStartElement("svg", Svg);
            xml.WriteAttributeString("version", "1.1");
            xml.WriteAttributeString("width", Px(width));
            xml.WriteAttributeString("height", Px(height));
            xml.WriteAttributeString("viewBox", $"0 0 {Px(width)} {Px(height)}");
            xml.WriteAttributeString("font-family", "DejaVu Sans Mono, Menlo, Consolas, monospace");
            xml.WriteAttributeString("font-size", FontSize.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("title", Svg, Clean(title));
            xml.WriteStartElement("rect", Svg);
            Attributes(xml, ("width", "100%"), ("height", "100%"), ("fill", "#ffffff"));
            xml.WriteEndElement();

            xml.WriteStartElement("text", Svg);
            Attributes(xml, ("class", "title"), ("x", Px(Margin)), ("y", Px(Margin + 16)), ("font-size", "15"), ("font-weight", "bold"));
            xml.WriteString(Clean(title));
            xml.WriteEndElement();

            for (int s = 0; s < source.Length; s++)
            {
                // Rotated a quarter turn: the label reads upwards from just above its column.
                double x = left + s * Cell + Cell / 2.0 + FontSize * 0.35, y = top - Gap;
                xml.WriteStartElement("text", Svg);
                Attributes(xml, ("class", "source"), ("data-index", Int(s)), ("x", Px(x)), ("y", Px(y)),
                    ("transform", $"rotate(-90 {Px(x)} {Px(y)})"));
                xml.WriteString(Clean(source[s]));
                xml.WriteEndElement();
            }
            for (int t = 0; t < target.Length; t++)
            {
                xml.WriteStartElement("text", Svg);
                Attributes(xml, ("class", "target"), ("data-index", Int(t)), ("x", Px(left - Gap)),
                    ("y", Px(top + t * Cell + Cell / 2.0 + FontSize * 0.35)), ("text-anchor", "end"));
                xml.WriteString(Clean(target[t]));
                xml.WriteEndElement();
            }
            for (int t = 0; t < target.Length; t++)
            {
                for (int s = 0; s < source.Length; s++)
                {
                    float w = weights[t][s];
                    xml.WriteStartElement("rect", Svg);
                    Attributes(xml, ("class", "cell"), ("data-target", Int(t)), ("data-source", Int(s)),
                        ("data-weight", w.ToString("R", CultureInfo.InvariantCulture)),
                        ("x", Px(left + s * Cell)), ("y", Px(top + t * Cell)), ("width", Int(Cell)), ("height", Int(Cell)),
                        ("fill", Shade(w)), ("stroke", "#d0d0d0"), ("stroke-width", "0.5"));
                    xml.WriteElementString("title", Svg,
                        $"{Clean(target[t])} ← {Clean(source[s])}: {w.ToString("0.000", CultureInfo.InvariantCulture)}");
                    xml.WriteEndElement();
                }
            }
            xml.WriteEndElement();
        }
        return Encoding.UTF8.GetString(bytes.ToArray()) + "\n";
    }

    private static float[][] Weights(Translation translation) =>
        translation.Attention ?? throw new UserErrorException(
            "no attention weights to draw: the model has no attention, or the translation was made without KeepAttention");

    /// <summary>White for 0, black for 1, linear in between (weights outside [0, 1] are clamped).</summary>
    private static string Shade(float weight)
    {
        float w = float.IsNaN(weight) ? 0 : Math.Clamp(weight, 0f, 1f);
        int level = (int)MathF.Round(255 * (1 - w));
        return $"#{level:x2}{level:x2}{level:x2}";
    }

    private static int Longest(string[] labels) => labels.Length == 0 ? 0 : labels.Max(l => Clean(l).EnumerateRunes().Count());

    /// <summary>The text with every character XML 1.0 cannot hold (control characters, lone surrogates) shown as \uXXXX.</summary>
    private static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }
        return sb.ToString();
    }

    private static void Attributes(XmlWriter xml, params (string Name, string Value)[] attributes)
    {
        foreach (var (name, value) in attributes) xml.WriteAttributeString(name, value);
    }

    private static string Px(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
