using Seq2Seq.Config;
using Seq2Seq.Modeling;
using Seq2Seq.ModelStore;
using Seq2Seq.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Inference;

/// <summary>
/// Writes text with a character language model, one character at a time, as min-char-rnn's <c>sample</c> does:
/// the prime text runs through the model, then each character is drawn from softmax(scores / temperature) and fed
/// back. Temperature 0 takes the most likely character every time; below 1 the likely characters gain, above 1
/// the distribution flattens. The same seed gives the same text.
/// </summary>
/// <example>
/// <code>
/// using var sampler = CharSampler.Load("models/hello_lm");
/// string text = sampler.Sample("h", length: 4, temperature: 0, seed: 1);   // "hello"
/// </code>
/// </example>
public sealed class CharSampler : IDisposable
{
    private readonly bool ownsModel;

    /// <summary>Samples from a model in memory (it is not disposed with the sampler).</summary>
    public CharSampler(CharLanguageModel model, CharVocabulary vocabulary) : this(model, vocabulary, ownsModel: false)
    {
    }

    private CharSampler(CharLanguageModel model, CharVocabulary vocabulary, bool ownsModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (model.VocabSize != vocabulary.Size)
            throw new ArgumentException($"the model reads {model.VocabSize} characters, the vocabulary has {vocabulary.Size}", nameof(vocabulary));
        Model = model;
        Vocabulary = vocabulary;
        this.ownsModel = ownsModel;
    }

    /// <summary>The model.</summary>
    public CharLanguageModel Model { get; }

    /// <summary>The characters the model knows.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>
    /// Loads a model directory written by <c>seq2seq lm train</c>: its
    /// config, character vocabulary and weights.
    /// </summary>
    /// <param name="modelDirectory">The model directory.</param>
    /// <param name="device"><c>cpu</c>, <c>cuda</c> or <c>auto</c>; the config's device when null.</param>
    /// <exception cref="UserErrorException">The directory, or a file in it, is missing or unreadable; the message names it.</exception>
    public static CharSampler Load(string modelDirectory, string? device = null)
    {
        var dir = new ModelDirectory(modelDirectory);
        if (!Directory.Exists(dir.Path)) throw new UserErrorException($"{dir.Path}: no such model directory");
        string vocabularyFile = dir.CharVocabularyFile;
        string weightsFile = dir.LanguageModelWeights;
        foreach (var file in new[] { dir.ConfigFile, vocabularyFile })
        {
            if (!File.Exists(file))
                throw new UserErrorException($"{file}: missing; is {dir.Path} a model directory written by 'seq2seq lm train'?");
        }
        var config = ConfigLoader.LoadLanguageModel(dir.ConfigFile);
        var vocabulary = CharVocabulary.Load(vocabularyFile);
        if (!File.Exists(weightsFile)) throw new UserErrorException($"{weightsFile}: missing (training stopped before it saved the weights?)");
        var target = ComputeDevice.Resolve(device ?? config.Device.YamlName());
        var model = new CharLanguageModel(config.Model, vocabulary.Size);
        try
        {
            Checkpoint.Load(weightsFile, model);
            model.to(target);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new CharSampler(model, vocabulary, ownsModel: true);
    }

    /// <summary>
    /// The prime followed by <paramref name="length"/> sampled characters. Without a prime (null or empty), the
    /// first character is drawn from the training text's character frequencies (at temperature 0, the most
    /// frequent one) and counts as one of the <paramref name="length"/>.
    /// </summary>
    /// <param name="prime">Text the sample continues; every character must be in the vocabulary.</param>
    /// <param name="length">Characters to sample (0 or more).</param>
    /// <param name="temperature">0 = always the most likely character; otherwise scores are divided by it.</param>
    /// <param name="seed">Seed of the random draws.</param>
    /// <exception cref="UserErrorException">A prime character is not in the vocabulary, or an argument is out of range.</exception>
    public string Sample(string? prime, int length, double temperature, ulong seed)
    {
        if (length < 0) throw new UserErrorException($"length must be 0 or more, got {length}");
        if (!double.IsFinite(temperature) || temperature < 0) throw new UserErrorException($"temperature must be 0 or more, got {temperature}");
        int[] primeIds;
        try
        {
            primeIds = Vocabulary.Encode(prime ?? "");
        }
        catch (UserErrorException e)
        {
            throw new UserErrorException($"prime text: {e.Message} ({Listing()})", e);
        }
        if (length == 0) return prime ?? "";

        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = Model.parameters().First().device;
            using var generator = new Generator(seed, device);
            var sampled = new List<Tensor>();                                    // (1, 1) each
            Tensor scores;                                                       // (1, V) scores of the next character
            CharLanguageModelState? state = null;
            if (primeIds.Length == 0)
            {
                var counts = tensor(Vocabulary.Counts.Select(c => (float)c).ToArray(), device: device); // (V)
                var first = Pick(counts.log().unsqueeze(0), temperature, generator); // (1, 1)
                sampled.Add(first);
                var (logits, next) = Model.call(first, null);                    // (1, 1, V)
                (scores, state) = (logits[.., -1], next);                        // (1, V)
            }
            else
            {
                var ids = tensor(primeIds.Select(i => (long)i).ToArray(), device: device).unsqueeze(0); // (1, P)
                var (logits, next) = Model.call(ids, null);                      // (1, P, V)
                (scores, state) = (logits[.., -1], next);                        // (1, V)
            }
            while (sampled.Count < length)
            {
                using var stepScope = NewDisposeScope();
                var id = Pick(scores, temperature, generator);                  // (1, 1)
                var (logits, next) = Model.call(id, state);                     // (1, 1, V)
                sampled.Add(id.MoveToOuterDisposeScope());
                scores.Dispose();
                state?.Dispose();
                scores = logits[.., -1].MoveToOuterDisposeScope();               // (1, V)
                state = next.MoveToOuterDisposeScope();
            }
            var all = cat(sampled, dim: 1).cpu();                                // (1, length)
            return (prime ?? "") + Vocabulary.Decode(all.data<long>().ToArray().Select(i => (int)i));
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>One character id per row of <paramref name="scores"/> (N, V): the best at temperature 0, else a draw.</summary>
    private static Tensor Pick(Tensor scores, double temperature, Generator generator)
    {
        if (temperature == 0) return scores.argmax(dim: -1, keepdim: true);      // (N, 1)
        using Scalar divide = temperature;                                       // held (see ScalarConstants)
        return softmax(scores.div(divide), dim: -1).multinomial(1, generator: generator); // (N, 1)
    }

    private string Listing()
    {
        const int Shown = 40;
        var shown = Vocabulary.Characters.Take(Shown).Select(CharVocabulary.Describe);
        return $"it has {string.Join(" ", shown)}{(Vocabulary.Size > Shown ? $" and {Vocabulary.Size - Shown} more" : "")}";
    }

    /// <summary>Disposes the model when it was loaded by <see cref="Load"/>.</summary>
    public void Dispose()
    {
        if (ownsModel) Model.Dispose();
    }
}
