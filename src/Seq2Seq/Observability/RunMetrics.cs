using System.Globalization;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Observability;

/// <summary>
/// The validation rows of a training run as <c>metrics.tsv</c> holds them, read by column name: step, dev loss and
/// BLEU always; the mean training loss since the previous validation and the training minutes where the file has those
/// columns (NaN where a row lacks them, as in files written before they existed).
/// </summary>
/// <param name="Name">The run's name: its model directory's folder name.</param>
/// <param name="Rows">One per validation, in file order.</param>
public sealed record RunMetrics(string Name, IReadOnlyList<RunMetrics.Row> Rows)
{
    /// <summary>One validation.</summary>
    public readonly record struct Row(int Step, double Minutes, double TrainLoss, double DevLoss, double DevBleu, double DevChrf);

    /// <summary>Reads <c>metrics.tsv</c> of the model directory <paramref name="modelDir"/>.</summary>
    /// <exception cref="UserErrorException">The directory has no metrics.tsv, or it has no step, dev_loss or dev_bleu column.</exception>
    public static RunMetrics Read(string modelDir)
    {
        string file = new ModelDirectory(modelDir).MetricsFile;
        if (!File.Exists(file)) throw new UserErrorException($"{file}: no such file (is {modelDir} a model directory that has been validated?)");
        var lines = File.ReadAllLines(file);
        if (lines.Length == 0) throw new UserErrorException($"{file}: empty (no header row)");
        var header = lines[0].Split('\t');
        int Column(string name, bool required)
        {
            int i = Array.IndexOf(header, name);
            if (i < 0 && required) throw new UserErrorException($"{file}:1: no column '{name}'");
            return i;
        }
        int step = Column("step", true), devLoss = Column("dev_loss", true), bleu = Column("dev_bleu", true);
        int chrf = Column("dev_chrf", false), trainLoss = Column("train_loss", false), minutes = Column("minutes", false);
        var rows = new List<Row>();
        for (int n = 1; n < lines.Length; n++)
        {
            if (lines[n].Length == 0) continue;
            var f = lines[n].Split('\t');
            if (!int.TryParse(At(f, step), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s))
                throw new UserErrorException($"{file}:{n + 1}: step '{At(f, step)}' is not a whole number");
            rows.Add(new Row(s, Number(f, minutes), Number(f, trainLoss), Number(f, devLoss), Number(f, bleu), Number(f, chrf)));
        }
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDir)));
        return new RunMetrics(name, rows);
    }

    private static string At(string[] fields, int i) => i >= 0 && i < fields.Length ? fields[i] : "";

    private static double Number(string[] fields, int i) =>
        double.TryParse(At(fields, i), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
}
