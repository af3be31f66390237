using System.Globalization;
using System.Text;

namespace Seq2Seq.Classification;

/// <summary>How well predicted labels match the gold ones: accuracy, macro-F1 and the confusion matrix.</summary>
public sealed class ClassificationScores
{
    private ClassificationScores(IReadOnlyList<string> labels, int[,] confusion)
    {
        Labels = labels;
        Confusion = confusion;
        int n = labels.Count, total = 0, right = 0;
        var f1 = new double[n];
        for (int g = 0; g < n; g++)
        {
            for (int p = 0; p < n; p++) total += confusion[g, p];
            right += confusion[g, g];
        }
        for (int k = 0; k < n; k++)
        {
            int predicted = 0, gold = 0;
            for (int j = 0; j < n; j++)
            {
                predicted += confusion[j, k];
                gold += confusion[k, j];
            }
            // F1 = 2·TP / (predicted + gold); a label neither predicted nor present scores 0, as scikit-learn's default.
            f1[k] = predicted + gold == 0 ? 0 : 2.0 * confusion[k, k] / (predicted + gold);
        }
        Count = total;
        Accuracy = total == 0 ? 0 : (double)right / total;
        F1 = f1;
        MacroF1 = n == 0 ? 0 : f1.Average();
    }

    /// <summary>The label names, indexing the rows and columns of <see cref="Confusion"/>.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>[gold, predicted]: how many sentences of gold label g were given label p.</summary>
    public int[,] Confusion { get; }

    /// <summary>Sentences scored.</summary>
    public int Count { get; }

    /// <summary>Share of sentences given their gold label, in [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary>Each label's F1 (harmonic mean of its precision and recall), in label order.</summary>
    public IReadOnlyList<double> F1 { get; }

    /// <summary>The unweighted mean of <see cref="F1"/> over the labels.</summary>
    public double MacroF1 { get; }

    /// <summary>Scores <paramref name="predicted"/> against <paramref name="gold"/> (label indices into <paramref name="labels"/>).</summary>
    public static ClassificationScores Compute(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, IReadOnlyList<string> labels)
    {
        if (gold.Count != predicted.Count) throw new ArgumentException($"{gold.Count} gold labels but {predicted.Count} predictions");
        var confusion = new int[labels.Count, labels.Count];
        for (int i = 0; i < gold.Count; i++) confusion[gold[i], predicted[i]]++;
        return new ClassificationScores(labels, confusion);
    }

    /// <summary>Accuracy and macro-F1 on one line, then the confusion matrix (rows gold, columns predicted) with each label's F1.</summary>
    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(string.Format(c, "accuracy {0:F2}% ({1} of {2})  macro-F1 {3:F2}", 100 * Accuracy, (int)Math.Round(Accuracy * Count), Count, 100 * MacroF1));
        int width = Math.Max(6, Labels.Max(l => l.Length) + 1);
        sb.Append("gold \\ predicted".PadRight(width + 4));
        foreach (var l in Labels) sb.Append(l.PadLeft(width));
        sb.AppendLine("     F1");
        for (int g = 0; g < Labels.Count; g++)
        {
            sb.Append(Labels[g].PadRight(width + 4));
            for (int p = 0; p < Labels.Count; p++) sb.Append(Confusion[g, p].ToString(c).PadLeft(width));
            sb.AppendLine(string.Format(c, "{0,7:F2}", 100 * F1[g]));
        }
        return sb.ToString().TrimEnd('\n');
    }
}
