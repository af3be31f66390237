using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Inference;
using Seq2Seq.Modeling;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Tests.Inference;

/// <summary>
/// <c>testing.keep_greedy_path</c> / <c>--keep-greedy-path</c>: textbook beam search (off, the default) may prune the
/// greedy output for prefixes that end up less probable; keeping the greedy path (on) never returns a less probable
/// output than greedy search when there is no length penalty.
/// </summary>
[Collection(TorchCollection.Name)]
public class GreedyPathTests(BarelyTrainedModelFixture fixture) : IClassFixture<BarelyTrainedModelFixture>
{
    private readonly Translator translator = fixture.Translator;
    private readonly string modelDir = fixture.ModelDir;

    private static DecodingOptions Beam(bool keepGreedyPath) => new() { BeamSize = 2, Alpha = 0, KeepGreedyPath = keepGreedyPath };

    [Fact]
    public void TextbookBeamSearchCanLoseTheGreedyOutputThatKeepingTheGreedyPathKeeps()
    {
        // Random weights scaled up: peaked next-token distributions that change with the prefix, so a beam of 2
        // prunes prefixes whose continuations would have been the most probable (a trained tiny model seldom does).
        random.manual_seed(6);
        using var model = new Seq2SeqModel(new ModelConfig { EmbeddingDim = 16, EncoderHidden = 16, DecoderHidden = 32, AttentionDim = 16, Dropout = 0 }, 30, 30);
        model.eval();
        using (no_grad())
            foreach (var p in model.parameters()) p.mul_(3.0);
        var rng = new Random(8);
        var rows = Enumerable.Range(0, 100).Select(_ => Enumerable.Range(0, rng.Next(1, 10)).Select(_ => rng.Next(4, 30)).ToArray()).ToArray();
        var (src, lengths, _) = Batch.Pad(rows, prefix: null, suffix: SubwordTokenizer.EosId);
        var limits = full([rows.Length], 12L);

        var greedy = GreedySearch.Decode(model, src, lengths, limits);
        var textbook = BeamSearch.Decode(model, src, lengths, limits, beamSize: 2, alpha: 0, keepGreedy: false);
        var kept = BeamSearch.Decode(model, src, lengths, limits, beamSize: 2, alpha: 0, keepGreedy: true);

        var lost = Enumerable.Range(0, rows.Length).Where(i => textbook[i][0].Score < greedy[i].Score - 1e-4).ToList();
        Assert.NotEmpty(lost);
        Assert.All(Enumerable.Range(0, rows.Length), i => Assert.True(kept[i][0].Score >= greedy[i].Score - 1e-4,
            $"row {i}: kept {kept[i][0].Score} < greedy {greedy[i].Score}"));
        Assert.All(lost, i => Assert.Contains(kept[i], h => h.Ids.SequenceEqual(greedy[i].Ids)));
    }

    [Fact]
    public void TheModelConfigSetsItAndTheFlagOverridesIt()
    {
        var sentences = TinyModelFixture.Sentences(200, seed: 21);
        var kept = translator.Translate(sentences, Beam(keepGreedyPath: true));
        var textbook = translator.Translate(sentences, Beam(keepGreedyPath: false));
        var differ = Enumerable.Range(0, sentences.Count).Where(i => kept[i].Text != textbook[i].Text).ToList();
        Assert.NotEmpty(differ);
        string root = TestPaths.NewTempDir(), input = Path.Combine(root, "in.fr"), keeping = Path.Combine(root, "keeping");
        File.WriteAllLines(input, differ.Select(i => sentences[i]));
        Directory.CreateDirectory(keeping);
        foreach (var file in Directory.GetFiles(modelDir)) File.Copy(file, Path.Combine(keeping, Path.GetFileName(file)));
        string configFile = Path.Combine(keeping, "config.yaml");
        string yaml = File.ReadAllText(configFile);
        Assert.Contains("\n  keep_greedy_path: false\n", yaml);
        File.WriteAllText(configFile, yaml.Replace("\n  keep_greedy_path: false\n", "\n  keep_greedy_path: true\n", StringComparison.Ordinal));

        string[] Translate(string model, params string[] flags)
        {
            var (code, output, err) = Robustness.Cli.Run(root, ["translate", "--model", model, "--input", input, "--beam", "2", "--alpha", "0", .. flags]);
            Assert.True(code == 0, err);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        string[] keptTexts = [.. differ.Select(i => kept[i].Text)], textbookTexts = [.. differ.Select(i => textbook[i].Text)];
        Assert.Equal(textbookTexts, Translate(modelDir));
        Assert.Equal(keptTexts, Translate(modelDir, "--keep-greedy-path"));
        Assert.Equal(keptTexts, Translate(keeping));
        Assert.Equal(textbookTexts, Translate(keeping, "--keep-greedy-path", "false"));
    }
}
