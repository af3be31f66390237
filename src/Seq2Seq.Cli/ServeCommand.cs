using System.CommandLine;
using Seq2Seq.Serving;

namespace Seq2Seq.Cli;

/// <summary>
/// <c>seq2seq serve --model DIR [--model NAME=DIR ...] [--host 127.0.0.1] [--port 8080] ...</c>: translations over
/// HTTP (docs/serving.md). Listens at once, loads the models in the background (<c>/health</c> answers 200 once
/// they are loaded) and runs until Ctrl+C or SIGTERM, which finish the accepted requests and exit 0.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string[]>("--model")
        {
            Description = "model directory to serve, as DIR or NAME=DIR (NAME: what requests pick it by; default: the folder's name); " +
                "repeat for several models, the first is the default",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var host = new Option<string>("--host") { Description = "address to listen on: an IP address or localhost (0.0.0.0: every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port, printed at start)", DefaultValueFactory = _ => 8080 };
        var defaults = new TranslationServiceOptions();
        var limits = new ServeLimits();
        var maxBatch = new Option<int>("--max-batch") { Description = "most sentences in one decoding batch, from one request or many", DefaultValueFactory = _ => defaults.MaxBatch };
        var maxWait = new Option<double>("--max-wait-ms")
        {
            Description = "how long the oldest waiting sentence waits for others to fill its batch",
            DefaultValueFactory = _ => defaults.MaxWait.TotalMilliseconds,
        };
        var threads = new Option<int>("--threads") { Description = "decoding threads, each decoding one batch at a time (0 = one per core)", DefaultValueFactory = _ => 0 };
        var maxQueue = new Option<int>("--max-queue") { Description = "most sentences waiting for decoding; beyond it requests get 503", DefaultValueFactory = _ => defaults.MaxQueue };
        var maxBody = new Option<int>("--max-body-bytes") { Description = "largest request body (beyond it: 413)", DefaultValueFactory = _ => limits.MaxBodyBytes };
        var maxSentences = new Option<int>("--max-sentences") { Description = "most sentences in one request (beyond it: 413)", DefaultValueFactory = _ => limits.MaxSentences };
        var maxChars = new Option<int>("--max-chars") { Description = "most characters in one sentence (beyond it: 413)", DefaultValueFactory = _ => limits.MaxChars };
        var maxBeam = new Option<int>("--max-beam") { Description = "largest beam (and n-best) a request may ask for", DefaultValueFactory = _ => limits.MaxBeam };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or auto (default: each model's config)" };
        var command = new Command("serve", "translate over HTTP: a JSON API and a page to try it (docs/serving.md)")
        {
            model, host, port, maxBatch, maxWait, threads, maxQueue, maxBody, maxSentences, maxChars, maxBeam, device,
        };
        command.SetAction(parse =>
        {
            var models = parse.GetValue(model)!.Select(ModelArgument).ToList();
            string address = parse.GetValue(host)!;
            if (!ServeApp.IsHost(address)) throw new UserErrorException($"--host {address}: expected an IP address or localhost");
            int portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535) throw new UserErrorException($"--port {portNumber}: expected 0 to 65535");
            var serviceOptions = new TranslationServiceOptions
            {
                MaxBatch = Positive(parse.GetValue(maxBatch), "--max-batch"),
                MaxWait = TimeSpan.FromMilliseconds(parse.GetValue(maxWait) is >= 0 and < 60_000 and var ms ? ms
                    : throw new UserErrorException("--max-wait-ms: expected 0 to 60000")),
                Threads = parse.GetValue(threads) >= 0 ? parse.GetValue(threads) : throw new UserErrorException("--threads must be ≥ 0"),
                MaxQueue = Positive(parse.GetValue(maxQueue), "--max-queue"),
                Device = parse.GetValue(device),
            };
            var requestLimits = new ServeLimits
            {
                MaxBodyBytes = Positive(parse.GetValue(maxBody), "--max-body-bytes"),
                MaxSentences = Positive(parse.GetValue(maxSentences), "--max-sentences"),
                MaxChars = Positive(parse.GetValue(maxChars), "--max-chars"),
                MaxBeam = Positive(parse.GetValue(maxBeam), "--max-beam"),
            };
            return Run(models, address, portNumber, serviceOptions, requestLimits);
        });
        return command;
    }

    private static int Run(List<(string Name, string Directory)> models, string host, int port, TranslationServiceOptions options, ServeLimits limits)
    {
        foreach (var (_, directory) in models)
            if (!Directory.Exists(directory)) throw new UserErrorException($"--model {directory}: no such model directory");
        MallocSettings.KeepFreedMemoryForDecoding();
        var loaded = new TaskCompletionSource<TranslationService>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loading = loaded.Task;
        var app = new ServeApp(host, port, limits, loading);
        try
        {
            try
            {
                app.StartAsync().GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new UserErrorException($"--host {host} --port {port}: cannot listen ({e.Message})", e);
            }
            string url = string.Join(", ", app.Urls);
            // Loaded once listening, on a thread of its own: the server answers /health (503) meanwhile, and no
            // request thread runs libtorch.
            new Thread(() =>
            {
                try { loaded.SetResult(TranslationService.Load(models, options)); }
                catch (Exception e) { loaded.SetException(e); }
            })
            { Name = "seq2seq model loading" }.Start();
            TranslationService service;
            try
            {
                service = loading.GetAwaiter().GetResult();
            }
            catch (UserErrorException)
            {
                app.StopAsync().GetAwaiter().GetResult();
                throw;
            }
            using (service)
            {
                Console.Error.WriteLine($"seq2seq: serving {string.Join(", ", service.Models.Select(m => $"{m.Name} ({m.Directory})"))} " +
                    $"on {url} with {service.Threads} decoding threads; Ctrl+C stops");
                app.WaitForShutdownAsync().GetAwaiter().GetResult();
                Console.Error.WriteLine("seq2seq: stopped; every accepted request was answered");
            }
            return 0;
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>DIR or NAME=DIR; the name defaults to the folder's name.</summary>
    private static (string Name, string Directory) ModelArgument(string value)
    {
        int eq = value.IndexOf('=');
        if (eq < 0 || Directory.Exists(value))
        {
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(value));
            return (name.Length > 0 ? name : value, value);
        }
        if (eq == 0 || eq == value.Length - 1) throw new UserErrorException($"--model {value}: expected DIR or NAME=DIR");
        return (value[..eq], value[(eq + 1)..]);
    }

    private static int Positive(int value, string flag) => value >= 1 ? value : throw new UserErrorException($"{flag} must be at least 1 (got {value})");
}
