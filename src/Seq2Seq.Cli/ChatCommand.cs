using System.CommandLine;
using System.Globalization;
using System.Text;
using Seq2Seq.Inference;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq chat --model DIR [--model DIR2 ... [--weights W1 W2 ...]] [--beam N | --sample [--temperature T] [--top-k K] [--seed S]] [--history N]</c>:
/// replies to one line at a time. In a terminal: a prompt, a reply, until <c>/quit</c> or Ctrl-D. With stdin
/// redirected: one reply line per input line, no decoration, until <c>/quit</c> or the end of the input.
/// </summary>
internal static class ChatCommand
{
    /// <summary>The line that ends the conversation.</summary>
    public const string Quit = "/quit";

    public static Command Create()
    {
        var model = new Option<string[]>("--model") { Description = "model directory written by 'seq2seq train' (a chat model, or any model); several --model: an ensemble", Required = true };
        var weights = DecodingFlags.EnsembleWeights();
        var beam = new Option<int?>("--beam") { Description = "beam size; 1 = greedy (default: the model's testing.beam_size)" };
        var sample = new Option<bool>("--sample") { Description = "draw each reply token at random from the model's distribution instead of beam search" };
        var temperature = new Option<double?>("--temperature") { Description = "with --sample: < 1 sharper, > 1 more random, 0 = always the most likely token (default 1)" };
        var topK = new Option<int?>("--top-k") { Description = "with --sample: draw among the K most likely tokens only (default 0 = all)" };
        var seed = new Option<long?>("--seed") { Description = "with --sample: seed of the random draws; the same seed replays the same conversation (default 0)" };
        var history = new Option<int>("--history") { Description = "feed the last N exchanges back to the model before each line (default 0 = each line alone)", DefaultValueFactory = _ => 0 };
        var separator = new Option<string>("--separator") { Description = "what joins the history's prompts and replies and the new line", DefaultValueFactory = _ => ChatSession.DefaultSeparator };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (default: the config's device)" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch (default: the config's threads; 0 = one per core)" };
        var noFastPaths = new Option<bool>("--no-fast-paths") { Description = "decode with the plain model, without the CPU fast paths (default: the config's fast_paths)" };
        var command = new Command("chat", "reply to lines typed or piped in, one reply per line; /quit ends")
        {
            model, beam, sample, temperature, topK, seed, history, separator, device, threads, noFastPaths, weights,
        };
        command.SetAction(parse =>
        {
            bool sampling = parse.GetValue(sample);
            int? beamSize = parse.GetValue(beam);
            double? temp = parse.GetValue(temperature);
            int? k = parse.GetValue(topK);
            long? seedValue = parse.GetValue(seed);
            int turns = parse.GetValue(history);
            int? threadCount = parse.GetValue(threads);
            // Every flag is checked before the model is loaded: a typo costs nothing.
            if (sampling && beamSize is not null) throw new UserErrorException("--beam and --sample exclude each other: sampling draws one reply");
            if (!sampling && (temp is not null || k is not null || seedValue is not null))
                throw new UserErrorException("--temperature, --top-k and --seed need --sample");
            if (beamSize < 1) throw new UserErrorException($"--beam must be at least 1 (got {beamSize})");
            if (temp is double tv && (!(tv >= 0) || double.IsInfinity(tv)))
                throw new UserErrorException($"--temperature must be a finite number ≥ 0 (got {tv.ToString(CultureInfo.InvariantCulture)})");
            if (k < 0) throw new UserErrorException($"--top-k must be ≥ 0 (got {k})");
            if (seedValue < 0) throw new UserErrorException($"--seed must be ≥ 0 (got {seedValue})");
            if (turns < 0) throw new UserErrorException($"--history must be ≥ 0 (got {turns})");
            if (string.IsNullOrEmpty(parse.GetValue(separator))) throw new UserErrorException("--separator must not be empty");
            if (threadCount < 0) throw new UserErrorException($"--threads must be ≥ 0 (got {threadCount})");

            var models = parse.GetValue(model)!;
            var w = DecodingFlags.Weights(parse, weights, models);
            using var translator = models.Length == 1 && w is null
                ? Translator.Load(models[0], parse.GetValue(device), fastPaths: parse.GetValue(noFastPaths) ? false : null)
                : Translator.LoadEnsemble(models, w, parse.GetValue(device), fastPaths: parse.GetValue(noFastPaths) ? false : null);
            int n = threadCount ?? translator.Config.Threads;
            if (n > 0) TorchSharp.torch.set_num_threads(n);
            var options = translator.DefaultOptions with { BatchSize = 1 };
            options = sampling
                ? options with { Sample = true, BeamSize = 1, Temperature = temp ?? 1.0, TopK = k ?? 0, Seed = seedValue ?? 0 }
                : options with { BeamSize = beamSize ?? options.BeamSize };
            var chat = new ChatSession(translator, options, turns, parse.GetValue(separator)!);
            if (Console.IsInputRedirected) Piped(chat);
            else Interactive(chat, translator, options, string.Join(" + ", models));
            return 0;
        });
        return command;
    }

    /// <summary>One reply line per input line (an empty line gets an empty reply), flushed at once; /quit or the end of the input stops.</summary>
    private static void Piped(ChatSession chat)
    {
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        foreach (string line in InputLines.Read(Console.OpenStandardInput()))
        {
            if (line.Trim() == Quit) break;
            output.WriteLine(chat.Reply(line).Text);
        }
    }

    /// <summary>A prompt on stderr, the reply on stdout; empty lines are skipped; /quit or Ctrl-D ends.</summary>
    private static void Interactive(ChatSession chat, Translator translator, DecodingOptions options, string modelDir)
    {
        string how = options.Sample
            ? string.Create(CultureInfo.InvariantCulture, $"sampling at temperature {options.Temperature}{(options.TopK > 0 ? $", top-k {options.TopK}" : "")}, seed {options.Seed}")
            : options.BeamSize == 1 ? "greedy" : $"beam {options.BeamSize}";
        string context = chat.HistoryTurns == 0 ? "" : $", history {chat.HistoryTurns} turn{(chat.HistoryTurns == 1 ? "" : "s")}";
        Console.Error.WriteLine($"seq2seq chat: {modelDir} ({translator.Config.Data.Src} → {translator.Config.Data.Trg}), {how}{context}; {Quit} or Ctrl-D to end");
        while (true)
        {
            Console.Error.Write("> ");
            if (Console.In.ReadLine() is not string line) break;
            if (line.Trim() == Quit) return;
            if (string.IsNullOrWhiteSpace(line)) continue;
            Console.Out.WriteLine(chat.Reply(line).Text);
        }
        Console.Error.WriteLine();
    }
}
