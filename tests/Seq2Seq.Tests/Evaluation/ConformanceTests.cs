using System.Text;
using System.Text.Json;
using Seq2Seq.Evaluation;

namespace Seq2Seq.Tests.Evaluation;

/// <summary>Every case of the sacrebleu 2.6.0 conformance vectors (see conformance/README.md).</summary>
public class ConformanceTests
{
    private const double Tolerance = 1e-9;
    private const string SacrebleuVersion = "2.6.0";

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Evaluation", "conformance");
    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json"))));

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Expected.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    /// <summary>The sacrebleu CLI's reading rule: split at '\n' only, rstrip() every line.</summary>
    internal static List<string> ReadLines(string path)
    {
        string text = File.ReadAllText(path, new UTF8Encoding(false));
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines.Select(PyText.RStrip).ToList();
    }

    private static JsonElement Case(string name) =>
        Expected.Value.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    private static (List<string> Hyp, List<IReadOnlyList<string>> Refs) Load(JsonElement c)
    {
        string dir = Path.Combine(Root, "cases", c.GetProperty("name").GetString()!);
        var hyp = ReadLines(Path.Combine(dir, c.GetProperty("hyp").GetString()!));
        var refs = c.GetProperty("refs").EnumerateArray().Select(r => (IReadOnlyList<string>)ReadLines(Path.Combine(dir, r.GetString()!))).ToList();
        return (hyp, refs);
    }

    private static string Ours(string signature) => signature.Replace("version:" + SacrebleuVersion, "version:" + MetricVersion.Name)
        .Replace("v:" + SacrebleuVersion, "v:" + MetricVersion.Name);

    internal static BleuOptions BleuSettings(JsonElement s)
    {
        var method = BleuOptions.ParseSmoothing(s.GetProperty("smooth_method").GetString()!);
        JsonElement v = s.GetProperty("smooth_value");
        return new BleuOptions
        {
            Tokenize = s.GetProperty("tokenize").GetString()!,
            Lowercase = s.GetProperty("lowercase").GetBoolean(),
            Smooth = method,
            SmoothValue = v.ValueKind == JsonValueKind.Null ? null : v.GetDouble(),
            EffectiveOrder = s.GetProperty("use_effective_order").GetBoolean(),
        };
    }

    private static ChrfOptions ChrfSettings(JsonElement s) => new()
    {
        CharOrder = s.GetProperty("char_order").GetInt32(),
        WordOrder = s.GetProperty("word_order").GetInt32(),
        Beta = s.GetProperty("beta").GetInt32(),
        Lowercase = s.GetProperty("lowercase").GetBoolean(),
        Whitespace = s.GetProperty("whitespace").GetBoolean(),
        EpsSmoothing = s.GetProperty("eps_smoothing").GetBoolean(),
    };

    private static void Near(List<string> errors, string what, double expected, double actual)
    {
        if (!(Math.Abs(expected - actual) <= Tolerance))
        {
            errors.Add($"{what}: expected {expected:R}, got {actual:R}");
        }
    }

    private static void Same<T>(List<string> errors, string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            errors.Add($"{what}: expected {expected}, got {actual}");
        }
    }

    private static void CheckBleu(List<string> errors, string where, JsonElement e, BleuScore s, bool withText)
    {
        Near(errors, where + " score", e.GetProperty("score").GetDouble(), s.Score);
        var precisions = e.GetProperty("precisions").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int i = 0; i < 4; i++)
        {
            Near(errors, $"{where} precision[{i}]", precisions[i], s.Precisions[i]);
        }
        Near(errors, where + " bp", e.GetProperty("bp").GetDouble(), s.Bp);
        Near(errors, where + " ratio", e.GetProperty("ratio").GetDouble(), s.Ratio);
        Same(errors, where + " sys_len", e.GetProperty("sys_len").GetInt64(), s.SysLen);
        Same(errors, where + " ref_len", e.GetProperty("ref_len").GetInt64(), s.RefLen);
        Same(errors, where + " counts", string.Join(",", e.GetProperty("counts").EnumerateArray().Select(x => x.GetDouble())), string.Join(",", s.Counts));
        Same(errors, where + " totals", string.Join(",", e.GetProperty("totals").EnumerateArray().Select(x => x.GetDouble())), string.Join(",", s.Totals));
        if (withText)
        {
            Same(errors, where + " text", e.GetProperty("text").GetString(), s.Format());
        }
    }

    private static void CheckChrfStats(List<string> errors, string where, JsonElement e, ChrfScore s)
    {
        string expected = string.Join(";", e.EnumerateArray().Select(o => string.Join(",", o.EnumerateArray().Select(x => x.GetInt64()))));
        string actual = string.Join(";", s.Statistics.Select(o => $"{o.Hyp},{o.Ref},{o.Match}"));
        Same(errors, where + " statistics", expected, actual);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CorpusBleu(string name)
    {
        JsonElement c = Case(name);
        var (hyp, refs) = Load(c);
        Assert.Equal(c.GetProperty("lines").GetInt32(), hyp.Count);
        var errors = new List<string>();
        foreach (JsonElement e in c.GetProperty("corpus_bleu").EnumerateArray())
        {
            BleuOptions o = BleuSettings(e.GetProperty("settings"));
            string where = $"{o.Tokenize}/lc={o.Lowercase}/{o.Smooth}/{o.SmoothValue}/eff={o.EffectiveOrder}";
            BleuScore s = Bleu.Corpus(hyp, refs, o);
            CheckBleu(errors, where, e, s, withText: true);
            Same(errors, where + " signature", Ours(e.GetProperty("signature").GetString()!), s.Signature);
            Same(errors, where + " short signature", Ours(e.GetProperty("signature_short").GetString()!), s.ShortSignature);
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void CorpusChrf(string name)
    {
        JsonElement c = Case(name);
        var (hyp, refs) = Load(c);
        var errors = new List<string>();
        foreach (JsonElement e in c.GetProperty("corpus_chrf").EnumerateArray())
        {
            ChrfOptions o = ChrfSettings(e.GetProperty("settings"));
            string where = $"{Chrf.Name(o)}/lc={o.Lowercase}/ws={o.Whitespace}/eps={o.EpsSmoothing}";
            ChrfScore s = Chrf.Corpus(hyp, refs, o);
            Same(errors, where + " name", e.GetProperty("name").GetString(), s.Name);
            Near(errors, where + " score", e.GetProperty("score").GetDouble(), s.Score);
            CheckChrfStats(errors, where, e.GetProperty("statistics"), s);
            Same(errors, where + " signature", Ours(e.GetProperty("signature").GetString()!), s.Signature);
            Same(errors, where + " short signature", Ours(e.GetProperty("signature_short").GetString()!), s.ShortSignature);
            Same(errors, where + " text", e.GetProperty("text").GetString(), s.Format());
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SentenceLevel(string name)
    {
        JsonElement c = Case(name);
        if (!c.TryGetProperty("sentence_bleu", out JsonElement sentenceBleu))
        {
            return;
        }
        var (hyp, refs) = Load(c);
        var errors = new List<string>();
        foreach (JsonElement e in sentenceBleu.EnumerateArray())
        {
            BleuOptions o = BleuSettings(e.GetProperty("settings"));
            var lines = e.GetProperty("lines").EnumerateArray().ToArray();
            IReadOnlyList<BleuScore> all = Bleu.Sentences(hyp, refs, o);
            for (int i = 0; i < lines.Length; i++)
            {
                string where = $"{o.Tokenize}/lc={o.Lowercase}/{o.Smooth}/eff={o.EffectiveOrder} line {i + 1}";
                CheckBleu(errors, where, lines[i], all[i], withText: false);
                BleuScore single = Bleu.Sentence(hyp[i], refs.Select(r => r[i]).ToArray(), o);
                Near(errors, where + " Sentence()", lines[i].GetProperty("score").GetDouble(), single.Score);
                Same(errors, where + " signature", Ours(e.GetProperty("signature").GetString()!), all[i].Signature);
            }
        }
        foreach (JsonElement e in c.GetProperty("sentence_chrf").EnumerateArray())
        {
            ChrfOptions o = ChrfSettings(e.GetProperty("settings"));
            var lines = e.GetProperty("lines").EnumerateArray().ToArray();
            IReadOnlyList<ChrfScore> all = Chrf.Sentences(hyp, refs, o);
            for (int i = 0; i < lines.Length; i++)
            {
                string where = $"{Chrf.Name(o)} line {i + 1}";
                Near(errors, where + " score", lines[i].GetProperty("score").GetDouble(), all[i].Score);
                CheckChrfStats(errors, where, lines[i].GetProperty("statistics"), all[i]);
                Same(errors, where + " signature", Ours(e.GetProperty("signature").GetString()!), all[i].Signature);
            }
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Tokenization(string name)
    {
        JsonElement c = Case(name);
        if (!c.TryGetProperty("tokenized", out JsonElement tokenized))
        {
            return;
        }
        var (hyp, refs) = Load(c);
        var errors = new List<string>();
        foreach (JsonElement e in tokenized.EnumerateArray())
        {
            var o = new BleuOptions { Tokenize = e.GetProperty("tokenize").GetString()!, Lowercase = e.GetProperty("lowercase").GetBoolean() };
            var expectedHyp = e.GetProperty("hyp").EnumerateArray().Select(x => x.GetString()!).ToArray();
            for (int i = 0; i < hyp.Count; i++)
            {
                Same(errors, $"{o.Tokenize}/lc={o.Lowercase} hyp line {i + 1}", expectedHyp[i], Bleu.Preprocess(hyp[i], o));
            }
            var expectedRefs = e.GetProperty("refs").EnumerateArray().ToArray();
            for (int r = 0; r < expectedRefs.Length; r++)
            {
                var lines = expectedRefs[r].EnumerateArray().Select(x => x.GetString()!).ToArray();
                for (int i = 0; i < lines.Length; i++)
                {
                    Same(errors, $"{o.Tokenize}/lc={o.Lowercase} ref{r + 1} line {i + 1}", lines[i], Bleu.Preprocess(refs[r][i], o));
                }
            }
        }
        if (c.TryGetProperty("chrf_words", out JsonElement words))
        {
            var expectedHyp = words.GetProperty("hyp").EnumerateArray().Select(l => string.Join("\u0001", l.EnumerateArray().Select(w => w.GetString()))).ToArray();
            for (int i = 0; i < hyp.Count; i++)
            {
                Same(errors, $"chrF words hyp line {i + 1}", expectedHyp[i], string.Join("\u0001", Chrf.SplitWords(hyp[i])));
            }
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>Large inputs take the parallel path; repeating a corpus k times must multiply every statistic by k.</summary>
    [Fact]
    public void ParallelPathAgreesWithSequential()
    {
        JsonElement c = Case("multi_ref_lengths");
        var (hyp, refs) = Load(c);
        const int k = 800;
        var bigHyp = Enumerable.Repeat(hyp, k).SelectMany(x => x).ToList();
        var bigRefs = refs.Select(r => (IReadOnlyList<string>)Enumerable.Repeat(r, k).SelectMany(x => x).ToList()).ToList();
        Assert.True(bigHyp.Count >= 4096);

        BleuScore small = Bleu.Corpus(hyp, refs), big = Bleu.Corpus(bigHyp, bigRefs);
        Assert.Equal(small.Counts.Select(x => x * k), big.Counts);
        Assert.Equal(small.Totals.Select(x => x * k), big.Totals);
        Assert.Equal(small.RefLen * k, big.RefLen);

        ChrfScore smallChrf = Chrf.Corpus(hyp, refs, ChrfOptions.ChrfPlusPlus), bigChrf = Chrf.Corpus(bigHyp, bigRefs, ChrfOptions.ChrfPlusPlus);
        Assert.Equal(smallChrf.Statistics.Select(o => new ChrfOrderCounts(o.Hyp * k, o.Ref * k, o.Match * k)), bigChrf.Statistics);
        Assert.Equal(smallChrf.Score, bigChrf.Score, 1e-9);
    }
}
