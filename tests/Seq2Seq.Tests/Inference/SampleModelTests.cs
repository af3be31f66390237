using Seq2Seq.Data;
using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Inference;

/// <summary>
/// Checks on a model trained with <c>seq2seq train configs/sample.yaml</c>: run when <c>models/sample</c> (or the
/// directory in SEQ2SEQ_SAMPLE_MODEL) holds one, skipped otherwise.
/// </summary>
[Collection(TorchCollection.Name)]
public class SampleModelTests
{
    private static string ModelDir =>
        Environment.GetEnvironmentVariable("SEQ2SEQ_SAMPLE_MODEL") ?? Path.Combine(TestPaths.RepoRoot, "models", "sample");

    [SkippableFact]
    public void BeamKeepingTheGreedyPathNeverScoresBelowGreedyOnTheSampleTestAndDevSets()
    {
        Skip.IfNot(File.Exists(Path.Combine(ModelDir, "best.ckpt")), $"no trained sample model in {ModelDir}");
        using var translator = Translator.Load(ModelDir, "cpu");
        var sentences = TextFile.ReadLines(Path.Combine(TestPaths.RepoRoot, "data", "sample", "test.fr"))
            .Concat(TextFile.ReadLines(Path.Combine(TestPaths.RepoRoot, "data", "sample", "dev.fr"))).ToList();
        var greedy = translator.Translate(sentences, new DecodingOptions { BeamSize = 1 });
        var beam = translator.Translate(sentences, new DecodingOptions { BeamSize = 5, Alpha = 0, KeepGreedyPath = true });
        var beamOne = translator.Translate(sentences, new DecodingOptions { BeamSize = 1, NBest = 1, Alpha = 1 });
        int better = 0;
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.True(beam[i].LogProbability >= greedy[i].LogProbability - 1e-4,
                $"line {i + 1}: beam {beam[i].LogProbability} '{beam[i].Text}' < greedy {greedy[i].LogProbability} '{greedy[i].Text}'");
            if (beam[i].LogProbability > greedy[i].LogProbability + 1e-4) better++;
            Assert.Equal(greedy[i].Text, beamOne[i].Text);
        }
        Assert.True(better > 0, "beam search never found a more probable output than greedy");
    }
}
