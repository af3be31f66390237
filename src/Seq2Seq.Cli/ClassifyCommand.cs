using System.CommandLine;
using System.Globalization;
using System.Text;
using Seq2Seq.Classification;
using Seq2Seq.Config;
using Seq2Seq.Inference;
using Seq2Seq.Training;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq classify train CONFIG.yaml</c>, <c>seq2seq classify predict --model DIR [--input FILE] [--output FILE]
/// [--probabilities] [--attention-svg DIR]</c> and <c>seq2seq classify test --model DIR --input FILE --labels FILE</c>:
/// many-to-one, a label for each sentence (docs/classification.md).
/// </summary>
internal static class ClassifyCommand
{
    public static Command Create() =>
        new("classify", "sentence classification on the translation encoder: train, predict labels, test against gold labels") { Train(), Predict(), Test() };

    private static Command Train()
    {
        var config = new Argument<string>("config") { Description = "YAML config file of the classifier (configs/sentiment.yaml)" };
        var resume = new Option<bool>("--resume") { Description = "continue from last.ckpt in the model directory" };
        var overwrite = new Option<bool>("--overwrite") { Description = "start over in a model directory that holds files" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (overrides the config)" };
        var command = new Command("train", "train a sentence classifier from a YAML config") { config, resume, overwrite, device };
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume) && parse.GetValue(overwrite))
                throw new UserErrorException("--resume and --overwrite exclude each other");
            string path = parse.GetValue(config)!;
            var cfg = ConfigLoader.LoadClassifier(FileArgument.Existing(path, "config"));
            ConfigLoader.CheckClassifierFiles(cfg, path);
            ComputeDevice.Resolve(parse.GetValue(device) ?? cfg.Device.YamlName());
            using var signals = new StopSignals("stopping after this batch (saving last.ckpt)...");
            var display = new TrainingDisplay(Console.Error);
            var trainer = new ClassifierTrainer(cfg, new TrainOptions(parse.GetValue(resume), parse.GetValue(overwrite), parse.GetValue(device)), display);
            var result = trainer.Run(signals.Token);
            display.Finish(result);
            if (result.Diverged) throw new UserErrorException($"training diverged: {result.StopReason}");
            if (!result.Interrupted) Console.Error.WriteLine($"test with: seq2seq classify test --model {cfg.ModelDir} --input FILE --labels FILE");
            return result.Interrupted ? signals.InterruptedExitCode : 0;
        });
        return command;
    }

    private static Command Predict()
    {
        var model = new Option<string>("--model") { Description = "model directory written by 'seq2seq classify train'", Required = true };
        var input = new Option<string?>("--input") { Description = "sentences, one a line (default: stdin)" };
        var output = new Option<string?>("--output") { Description = "labels, one a line (default: stdout)" };
        var probabilities = new Option<bool>("--probabilities") { Description = "after each label, a tab and LABEL=P for every label" };
        var attentionSvg = new Option<string?>("--attention-svg") { Description = "draw each sentence's pooling weights over its words as DIR/0001.svg, ... (attention pooling)" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (overrides the config)" };
        var command = new Command("predict", "print the label of each input sentence") { model, input, output, probabilities, attentionSvg, device };
        command.SetAction(parse =>
        {
            string? inPath = parse.GetValue(input), outPath = parse.GetValue(output), svgDir = parse.GetValue(attentionSvg);
            var sentences = Sentences(inPath);
            if (outPath is not null) FileArgument.NotAFolder(outPath, "output");
            using var classifier = Classifier.Load(parse.GetValue(model)!, parse.GetValue(device));
            if (svgDir is not null && !classifier.HasAttention)
                throw new UserErrorException($"--attention-svg: the model in {parse.GetValue(model)} pools without attention (model.pooling), so there are no weights to draw");
            if (svgDir is not null) TranslateCommand.CreateDirectory(svgDir, "--attention-svg");
            var predictions = classifier.Predict(sentences);
            var text = new StringBuilder();
            for (int i = 0; i < predictions.Count; i++)
            {
                var p = predictions[i];
                text.Append(p.Label);
                if (parse.GetValue(probabilities))
                {
                    foreach (var (label, probability) in classifier.Labels.Zip(p.Probabilities))
                        text.Append(CultureInfo.InvariantCulture, $"\t{label}={probability:F4}");
                }
                text.Append('\n');
                if (svgDir is not null)
                {
                    AtomicFile.WriteAllText(Path.Combine(svgDir, $"{i + 1:D4}.svg"),
                        AttentionSvg.Render([.. p.Tokens], [p.Label], [[.. p.Weights!]], $"{i + 1}: {sentences[i]}"));
                }
            }
            if (outPath is null) Console.Out.Write(text.ToString());
            else AtomicFile.WriteAllText(outPath, text.ToString());
            return 0;
        });
        return command;
    }

    private static Command Test()
    {
        var model = new Option<string>("--model") { Description = "model directory written by 'seq2seq classify train'", Required = true };
        var input = new Option<string>("--input") { Description = "sentences, one a line", Required = true };
        var labels = new Option<string>("--labels") { Description = "their gold labels, one a line", Required = true };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (overrides the config)" };
        var command = new Command("test", "classify a test set and print accuracy, macro-F1 and the confusion matrix") { model, input, labels, device };
        command.SetAction(parse =>
        {
            string inPath = FileArgument.Existing(parse.GetValue(input)!), labelPath = FileArgument.Existing(parse.GetValue(labels)!);
            var corpus = LabeledCorpus.Read(inPath, labelPath, lowercase: false);
            using var classifier = Classifier.Load(parse.GetValue(model)!, parse.GetValue(device));
            Console.Out.WriteLine(classifier.Score(corpus, labelPath).Format());
            return 0;
        });
        return command;
    }

    /// <summary>The sentences of <paramref name="path"/>, or of stdin when it is null; none may be empty.</summary>
    private static List<string> Sentences(string? path)
    {
        if (path is not null) return LabeledCorpus.ReadSentences(FileArgument.Existing(path), lowercase: false);
        var lines = InputLines.Read(Console.OpenStandardInput()).ToList();
        LabeledCorpus.CheckSentences(lines, "stdin");
        return lines;
    }
}
