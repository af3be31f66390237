using System.Globalization;
using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.ModelStore;

namespace Seq2Seq.Serving;

/// <summary>One model a <see cref="TranslationService"/> serves: its name, directory, translator and what it is.</summary>
public sealed class ServedModel
{
    private ServedModel(string name, string directory, Translator translator, int steps, double? devBleu)
    {
        Name = name;
        Directory = directory;
        Translator = translator;
        Steps = steps;
        DevBleu = devBleu;
    }

    /// <summary>The name requests pick it by.</summary>
    public string Name { get; }

    /// <summary>The model directory it was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The loaded model. Its translations run on the service's decoding threads; read its config freely.</summary>
    public Translator Translator { get; }

    /// <summary>Training steps of the loaded checkpoint.</summary>
    public int Steps { get; }

    /// <summary>Dev BLEU of the loaded checkpoint (greedy, as training validated it); null when not recorded.</summary>
    public double? DevBleu { get; }

    /// <summary>The variant in config words: cell, attention and token levels, e.g. <c>gru, bahdanau, bpe → bpe</c>.</summary>
    public string Variant
    {
        get
        {
            var c = Translator.Config;
            return $"{c.Model.RnnType.YamlName()}, {c.Model.Attention.YamlName()}, {c.Subwords.SourceLevel.YamlName()} → {c.Subwords.TargetLevel.YamlName()}";
        }
    }

    /// <summary>Source and target vocabulary sizes.</summary>
    public (int Source, int Target) VocabularySizes => (Translator.SourceTokenizer.VocabSize, Translator.TargetTokenizer.VocabSize);

    /// <summary>Loads <paramref name="directory"/>'s best checkpoint as <paramref name="name"/>.</summary>
    /// <exception cref="UserErrorException">The directory is not a trained model directory.</exception>
    public static ServedModel Load(string name, string directory, string? device = null)
    {
        var translator = Translator.Load(directory, device);
        var dir = new ModelDirectory(directory);
        var state = Checkpoint.ReadState(dir.BestCheckpoint);
        double? bleu = DevBleuAt(dir.MetricsFile, state.Step) ?? (translator.Config.Training.EvalMetric == EvalMetric.Bleu ? state.Score : null);
        return new ServedModel(name, directory, translator, state.Step, bleu);
    }

    /// <summary>The dev_bleu column of metrics.tsv at <paramref name="step"/>; null when the file or the row is missing.</summary>
    private static double? DevBleuAt(string metricsFile, int step)
    {
        if (!File.Exists(metricsFile)) return null;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(metricsFile);
        }
        catch (IOException)
        {
            return null;
        }
        if (lines.Length == 0) return null;
        int column = Array.IndexOf(lines[0].Split('\t'), "dev_bleu");
        if (column < 0) return null;
        string key = step.ToString(CultureInfo.InvariantCulture);
        foreach (string line in lines.Skip(1).Reverse())
        {
            var cells = line.Split('\t');
            if (cells[0] == key && cells.Length > column &&
                double.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out double bleu))
                return bleu;
        }
        return null;
    }
}
