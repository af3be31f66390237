using System.Text;
using Seq2Seq.Classification;
using Seq2Seq.ModelStore;
using Seq2Seq.Training;

namespace Seq2Seq.Observability;

/// <summary>
/// Listens to a training run's events beside the caller's listener: once started, writes them as TensorBoard
/// scalars and texts (<c>training.tensorboard</c>) and redraws <c>curves.svg</c> from <c>metrics.tsv</c> at every
/// validation. Every event reaches the caller's listener first and unchanged.
/// </summary>
/// <param name="inner">The caller's listener (the command line's display), or null.</param>
internal sealed class TrainingObservers(IProgress<TrainingEvent>? inner) : IProgress<TrainingEvent>, IDisposable
{
    private TensorBoardWriter? board;
    private ModelDirectory? curvesOf;

    /// <summary>
    /// Starts writing into <paramref name="dir"/>: a new TensorBoard event file when <paramref name="tensorboard"/>
    /// (after removing the earlier files' events past <paramref name="resumedAt"/>, the step a resumed run continues
    /// from), and the curves when <paramref name="curves"/>.
    /// </summary>
    public void Start(ModelDirectory dir, bool tensorboard, bool curves, int? resumedAt)
    {
        if (tensorboard)
            ModelDirectory.WriteOrFail(dir.TensorBoardFolder, () => board = new TensorBoardWriter(dir.TensorBoardFolder, resumedAt));
        if (curves) curvesOf = dir;
    }

    /// <summary>Passes <paramref name="value"/> on to the caller's listener, then records it.</summary>
    public void Report(TrainingEvent value)
    {
        inner?.Report(value);
        if (board is not null) ModelDirectory.WriteOrFail(board.FilePath, () => Record(board, value));
        if (curvesOf is not null && value is ValidationReport) DrawCurves(curvesOf);
    }

    /// <summary>Closes the event file.</summary>
    public void Dispose()
    {
        board?.Dispose();
        board = null;
    }

    /// <summary>Tags: <c>train/…</c> at every logging step, <c>dev/…</c> at every validation, texts for translations and samples.</summary>
    private static void Record(TensorBoardWriter board, TrainingEvent value)
    {
        switch (value)
        {
            case StepReport s:
                board.AddScalar("train/loss", s.Loss, s.Step);
                board.AddScalar("train/target_tokens_per_second", s.TargetTokensPerSecond, s.Step);
                board.AddScalar("train/learning_rate", s.LearningRate, s.Step);
                break;
            case ValidationReport v:
                board.AddScalar("dev/loss", v.Loss, v.Step);
                board.AddScalar("dev/perplexity", v.Perplexity, v.Step);
                board.AddScalar("dev/bleu", v.Bleu, v.Step);
                if (double.IsFinite(v.Chrf)) board.AddScalar("dev/chrf", v.Chrf, v.Step);
                if (v.Samples is { Count: > 0 } samples) board.AddText("dev/translations", Markdown(samples), v.Step);
                break;
            case ClassificationValidationReport c:
                board.AddScalar("dev/loss", c.Loss, c.Step);
                board.AddScalar("dev/accuracy", c.Accuracy, c.Step);
                board.AddScalar("dev/macro_f1", c.MacroF1, c.Step);
                break;
            case LanguageModelStepReport l:
                board.AddScalar("train/loss", l.Loss, l.Step);
                board.AddScalar("train/characters_per_second", l.CharactersPerSecond, l.Step);
                break;
            case LanguageModelSample sample:
                board.AddText("samples/text", "```\n" + sample.Text + "\n```", sample.Step);
                break;
        }
    }

    /// <summary>A markdown table of the dev sentences: source, reference, the model's translation.</summary>
    internal static string Markdown(IReadOnlyList<DevSample> samples)
    {
        static string Cell(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
        var table = new StringBuilder("| source | reference | translation |\n|---|---|---|\n");
        foreach (var s in samples) table.Append($"| {Cell(s.Source)} | {Cell(s.Reference)} | {Cell(s.Hypothesis)} |\n");
        return table.ToString();
    }

    /// <summary>Redraws the curves; a picture that cannot be drawn (no usable graphics library) is a warning once, never a failed run.</summary>
    private void DrawCurves(ModelDirectory dir)
    {
        try
        {
            CurvesPlot.Save([RunMetrics.Read(dir.Path)], dir.CurvesFile);
        }
        catch (Exception e) when (e is UserErrorException or TypeInitializationException or DllNotFoundException or IOException)
        {
            curvesOf = null;
            inner?.Report(new TrainingNotice($"{dir.CurvesFile}: not drawn ({e.Message}); training goes on without it", IsWarning: true));
        }
    }
}
