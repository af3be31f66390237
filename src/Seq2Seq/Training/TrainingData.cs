using System.Diagnostics;
using Seq2Seq.Config;
using Seq2Seq.Data;
using Seq2Seq.Text;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// The data of a translation training run: the training and dev corpora, encoded with tokenizers learned from the
/// training side (or, when resuming, those of the model directory). Everything that can be wrong with the inputs is
/// found here, before the model directory is created or touched.
/// </summary>
internal sealed class TrainingData
{
    private TrainingData(EncodedCorpus train, EncodedCorpus devSet, ParallelCorpus dev, TextTokenizer source, TextTokenizer target)
    {
        Train = train;
        DevSet = devSet;
        Dev = dev;
        Source = source;
        Target = target;
    }

    /// <summary>The encoded training pairs (those within <c>data.max_length</c>).</summary>
    public EncodedCorpus Train { get; }

    /// <summary>The encoded dev pairs.</summary>
    public EncodedCorpus DevSet { get; }

    /// <summary>The dev corpus as read (its target lines are the references of validation BLEU).</summary>
    public ParallelCorpus Dev { get; }

    /// <summary>The source side's tokenizer.</summary>
    public TextTokenizer Source { get; }

    /// <summary>The target side's tokenizer.</summary>
    public TextTokenizer Target { get; }

    /// <summary>
    /// Reads and encodes the corpora of <paramref name="config"/>, learning the tokenizers or, when
    /// <paramref name="resume"/>, loading those of <paramref name="run"/>'s directory; notices and the data report go
    /// to <paramref name="run"/>.
    /// </summary>
    /// <exception cref="UserErrorException">A corpus is unusable; the message names the file and the setting.</exception>
    public static TrainingData Prepare(Seq2SeqConfig config, bool resume, RunDirectory run, Device device)
    {
        var d = config.Data;
        var train = ParallelCorpus.Read(d.Train, d.Src, d.Trg, d.Lowercase);
        var dev = ParallelCorpus.Read(d.Dev, d.Src, d.Trg, d.Lowercase);
        run.Notice($"{config.Name}: {d.Src}→{d.Trg}, device {device.type}, {get_num_threads()} threads, seed {config.Seed}");
        var (srcTok, trgTok) = resume
            ? run.Dir.LoadTokenizers(config.Subwords.SourceLevel, config.Subwords.TargetLevel)
            : LearnTokenizers(config, train, run);
        var trainSet = train.Encode(srcTok, trgTok, d.MaxLength);
        if (trainSet.Count == 0)
            throw new UserErrorException($"{d.Train}.{d.Src}/.{d.Trg}: no usable sentence pair ({trainSet.Report})" +
                (trainSet.Report.SkippedTooLong > 0 ? $"; data.max_length {d.MaxLength} counts {Units(srcTok.Level)} on the source side and {Units(trgTok.Level)} on the target side" : ""));
        var devSet = dev.Encode(srcTok, trgTok, maxLength: 0);
        if (devSet.Count == 0)
            throw new UserErrorException($"{d.Dev}.{d.Src}/.{d.Trg}: no usable sentence pair for validation ({devSet.Report})");

        var report = new DataReport(trainSet.Report, devSet.Report, srcTok.Level, trgTok.Level, srcTok.VocabSize, trgTok.VocabSize);
        run.RecordData(report);
        if (trainSet.Report.SkippedTooLong * 4 > trainSet.Report.Read)   // a quarter: most likely a max_length meant for another token level
            run.Notice($"{trainSet.Report.SkippedTooLong} of {trainSet.Report.Read} training pairs are longer than data.max_length {d.MaxLength} " +
                $"({Units(srcTok.Level)} / {Units(trgTok.Level)}) and are skipped; raise it to train on them", warning: true);
        return new TrainingData(trainSet, devSet, dev, srcTok, trgTok);
    }

    private static (TextTokenizer Src, TextTokenizer Trg) LearnTokenizers(Seq2SeqConfig config, ParallelCorpus train, RunDirectory run)
    {
        var s = config.Subwords;
        var sw = Stopwatch.StartNew();
        var src = TextTokenizer.Learn(s.SourceLevel, train.Source, s.SrcVocabSize, s.MinFrequency);
        var trg = TextTokenizer.Learn(s.TargetLevel, train.Target, s.TrgVocabSize, s.MinFrequency);
        foreach (var (tok, side, file) in new[] { (src, "source", config.Data.Src), (trg, "target", config.Data.Trg) })
        {
            if (tok.VocabSize == TextTokenizer.SpecialTokens.Count)
                throw new UserErrorException($"{config.Data.Train}.{file}: no {Units(tok.Level, singular: true)} occurs subwords.min_frequency " +
                    $"{s.MinFrequency} times: the {side} vocabulary would hold only the special tokens");
        }
        run.Notice($"built the vocabularies in {sw.Elapsed.TotalSeconds:F1}s: {src.VocabSize} source {Units(src.Level)} ({TextTokenizer.LevelName(src.Level)}), " +
            $"{trg.VocabSize} target {Units(trg.Level)} ({TextTokenizer.LevelName(trg.Level)}), special tokens included");
        return (src, trg);
    }

    /// <summary>What the tokens of a level are called in messages: "subwords", "characters", "words".</summary>
    private static string Units(TokenLevel level, bool singular = false) => (level, singular) switch
    {
        (TokenLevel.Char, false) => "characters",
        (TokenLevel.Char, true) => "character",
        (TokenLevel.Word, false) => "words",
        (TokenLevel.Word, true) => "word",
        (_, false) => "subwords",
        _ => "subword",
    };
}
