using Seq2Seq.Config;

namespace Seq2Seq.Tests.Config;

/// <summary>The shipped dialogue corpus (data/dialogue, from scripts/make_dialogue_corpus.py) and configs/chatbot.yaml.</summary>
public class DialogueCorpusTests
{
    private static string Data(string file) => Path.Combine(TestPaths.RepoRoot, "data", "dialogue", file);

    private static string Normalized(string prompt) => prompt.ToLowerInvariant().TrimEnd('.', '?', '!');

    [Fact]
    public void ChatbotConfigPointsAtTheDialogueCorpus()
    {
        string path = Path.Combine(TestPaths.RepoRoot, "configs", "chatbot.yaml");
        var config = ConfigLoader.Load(path);
        ConfigLoader.CheckFiles(config, path, TestPaths.RepoRoot);
        Assert.Equal(("data/dialogue/train", "prompt", "reply"), (config.Data.Train, config.Data.Src, config.Data.Trg));
    }

    [Fact]
    public void SplitsAreLineAlignedAndHeldOutPromptsNeverOccurInTraining()
    {
        var train = File.ReadAllLines(Data("train.prompt"));
        Assert.Equal(train.Length, File.ReadAllLines(Data("train.reply")).Length);
        Assert.InRange(train.Length, 3000, 10_000);
        var seen = train.Select(Normalized).ToHashSet();
        foreach (string split in new[] { "dev", "test" })
        {
            var prompts = File.ReadAllLines(Data($"{split}.prompt"));
            var replies = File.ReadAllLines(Data($"{split}.reply"));
            Assert.Equal(prompts.Length, replies.Length);
            Assert.InRange(prompts.Length, 200, 1000);
            Assert.All(prompts, p => Assert.DoesNotContain(Normalized(p), seen));
            Assert.All(replies, r => Assert.False(string.IsNullOrWhiteSpace(r)));
        }
    }
}
