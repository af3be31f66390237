using Seq2Seq.Inference;

namespace Seq2Seq.Tests.Inference;

/// <summary>Which lines a shard takes, and how <c>--shard</c> and a scheduler's environment name it.</summary>
public class ShardPlanTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ShardsTakeEveryNthLineAndTogetherCoverEachLineOnce()
    {
        for (int total = 0; total <= 10; total++)
        {
            var lines = Enumerable.Range(0, total).Select(i => $"line {i}").ToList();
            var taken = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                var plan = new ShardPlan(i, 3);
                var mine = plan.Select(lines).ToList();
                Assert.Equal(lines.Where((_, k) => k % 3 == i), mine);
                Assert.Equal(mine.Count, plan.LinesOf(total));
                taken.AddRange(mine);
            }
            Assert.Equal(lines.Order(), taken.Order());
        }
    }

    [Fact]
    public void ExplicitShardAndPartNames()
    {
        var plan = ShardPlan.Parse("1/3", null, Env());
        Assert.Equal((1, 3), (plan.Index, plan.Count));
        Assert.Equal("out/hyp.1-of-3", plan.PartPath("out/hyp"));
        Assert.Equal("out/hyp.1-of-3.done", plan.RecordPath("out/hyp"));
        Assert.Equal(plan, ShardPlan.Parse("1/3", 3, Env()));
    }

    [Fact]
    public void AutoReadsSlurmArrayVariablesOrTheKubernetesCompletionIndex()
    {
        Assert.Equal(new ShardPlan(2, 4), ShardPlan.Parse("auto", null, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        // --array=1-4: the index counts from the array's first task.
        Assert.Equal(new ShardPlan(0, 4), ShardPlan.Parse("auto", null,
            Env(("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        Assert.Equal(new ShardPlan(1, 3), ShardPlan.Parse("auto", 3, Env(("JOB_COMPLETION_INDEX", "1"))));
    }

    [Theory]
    [InlineData("3/3", null, "between 0 and 2")]
    [InlineData("1-3", null, "expected I/N")]
    [InlineData("-1/3", null, "expected I/N")]
    [InlineData("0/0", null, "at least 1")]
    [InlineData("1/3", 4, "disagree")]
    [InlineData("auto", 3, "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX")]
    public void BadShardsAreUserErrorsNamingTheFlag(string spec, int? shards, string message)
    {
        var e = Assert.Throws<UserErrorException>(() => ShardPlan.Parse(spec, shards, Env()));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("--shard", e.Message);
    }

    [Fact]
    public void AutoNeedsACountAndAgreesWithSlurms()
    {
        Assert.Contains("needs --shards", Assert.Throws<UserErrorException>(() => ShardPlan.Parse("auto", null, Env(("JOB_COMPLETION_INDEX", "0")))).Message);
        Assert.Contains("SLURM_ARRAY_TASK_COUNT=4", Assert.Throws<UserErrorException>(() =>
            ShardPlan.Parse("auto", 3, Env(("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "4")))).Message);
        Assert.Contains("SLURM_ARRAY_TASK_ID: expected a whole number", Assert.Throws<UserErrorException>(() =>
            ShardPlan.Parse("auto", 3, Env(("SLURM_ARRAY_TASK_ID", "x")))).Message);
    }
}
