using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Seq2Seq.Cli;
using Seq2Seq.Inference;
using Seq2Seq.Serving;
using Seq2Seq.Tests.Inference;
using CliProcess = Seq2Seq.Tests.Robustness.Cli;

namespace Seq2Seq.Tests.Serving;

/// <summary>
/// <c>seq2seq serve</c> on a real Kestrel listening on a free loopback port, in front of the tiny model: its answers
/// against <c>translate</c>'s, many concurrent clients, every bad input, and a stop that loses no accepted request.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ServeTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    /// <summary>A started server and its service; disposing stops both.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly ServeApp app;

        public Server(TranslationService? service, ServeLimits? limits = null, Task<TranslationService>? loading = null)
        {
            Service = service;
            app = new ServeApp("127.0.0.1", 0, limits ?? new ServeLimits(), loading ?? Task.FromResult(service!));
            app.StartAsync().GetAwaiter().GetResult();
            Client = new HttpClient { BaseAddress = new Uri(app.Urls[0]), Timeout = TimeSpan.FromSeconds(60) };
        }

        public TranslationService? Service { get; }

        public HttpClient Client { get; }

        public Task StopAsync() => app.StopAsync();

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            Service?.Dispose();
        }
    }

    private TranslationService Service(TranslationServiceOptions? options = null) =>
        TranslationService.Load([("tiny", fixture.ModelDir)], options ?? new TranslationServiceOptions { Threads = 2 });

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(HttpClient client, string json)
    {
        var response = await client.PostAsync("v1/translate", new StringContent(json, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    private static string Body(object request) => JsonSerializer.Serialize(request);

    [Fact]
    public async Task AnswersEqualTranslatesForTheSameLinesAndOptions()
    {
        var lines = TinyModelFixture.Sentences(25, seed: 41);
        lines.Insert(3, "");
        lines.Insert(8, lines[5]);
        string dir = TestPaths.NewTempDir(), input = Path.Combine(dir, "in.txt"), aligned = Path.Combine(dir, "align.txt");
        File.WriteAllText(input, string.Join('\n', lines) + "\n");
        var nbest = CliProcess.Run(dir, "translate", "--model", fixture.ModelDir, "--input", input, "--beam", "3", "--nbest", "2", "--alignments", aligned);
        Assert.True(nbest.Code == 0, nbest.Err);
        var greedy = CliProcess.Run(dir, "translate", "--model", fixture.ModelDir, "--input", input);
        Assert.True(greedy.Code == 0, greedy.Err);
        var expectedNBest = nbest.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .GroupBy(f => int.Parse(f[0], CultureInfo.InvariantCulture)).OrderBy(g => g.Key).ToList();
        string[] alignments = File.ReadAllLines(aligned);

        await using var server = new Server(Service());
        // One sentence a request, all at once, as independent clients send them; and all lines in one request.
        var single = await Task.WhenAll(lines.Select(l => Post(server.Client, Body(new { text = new[] { l }, beam = 3, n_best = 2, alignments = true }))));
        var whole = await Post(server.Client, Body(new { text = lines }));
        Assert.Equal(HttpStatusCode.OK, whole.Status);
        Assert.Equal(greedy.Out.Split('\n')[..lines.Count], whole.Body.GetProperty("translations").EnumerateArray().Select(t => t.GetProperty("text").GetString()));
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, single[i].Status);
            var t = single[i].Body.GetProperty("translations").EnumerateArray().Single();
            var hyps = t.GetProperty("n_best").EnumerateArray().ToList();
            var want = expectedNBest[i].ToList();
            Assert.Equal(want.Select(f => f[4]), hyps.Select(h => h.GetProperty("text").GetString()));
            for (int r = 0; r < want.Count; r++)
                Assert.Equal(double.Parse(want[r][2], CultureInfo.InvariantCulture), hyps[r].GetProperty("score").GetDouble(), 4);
            Assert.Equal(want[0][4], t.GetProperty("text").GetString());
            Assert.Equal(alignments[i], t.GetProperty("alignment").GetString());
        }
    }

    [Fact]
    public async Task ThirtyTwoConcurrentClientsEachGetExactlyTheirOwnAnswers()
    {
        await using var server = new Server(Service(new TranslationServiceOptions { Threads = 2, MaxBatch = 16, MaxWait = TimeSpan.FromMilliseconds(3) }));
        var pool = TinyModelFixture.Sentences(200, seed: 42).Distinct().ToList();
        var greedy = fixture.Translator.Translate(pool, fixture.Translator.DefaultOptions with { BeamSize = 1 });
        var beam = fixture.Translator.Translate(pool, fixture.Translator.DefaultOptions with { BeamSize = 2 });
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(client => Task.Run(async () =>
        {
            var rng = new Random(client);
            for (int r = 0; r < 20; r++)
            {
                int a = rng.Next(pool.Count), b = rng.Next(pool.Count), beamSize = client % 2 + 1;
                var (status, body, _) = await Post(server.Client, Body(new { text = new[] { pool[a], pool[b] }, beam = beamSize }));
                var want = beamSize == 1 ? greedy : beam;
                var got = status == HttpStatusCode.OK ? body.GetProperty("translations").EnumerateArray().Select(t => t.GetProperty("text").GetString()).ToList() : [];
                if (got.Count != 2 || got[0] != want[a].Text || got[1] != want[b].Text)
                    lock (failures) failures.Add($"client {client} request {r}: {status} {body}");
            }
        })));
        Assert.Empty(failures);
        Assert.Equal(32 * 20 * 2, server.Service!.DecodedSentences);
        // Sentences of different clients shared batches: far fewer batches than requests.
        Assert.True(server.Service.DecodedBatches < 32 * 20 / 2, $"{server.Service.DecodedBatches} batches for {32 * 20} requests");
    }

    [Fact]
    public async Task EveryBadInputGetsItsStatusAndAMessageNamingTheField()
    {
        var limits = new ServeLimits { MaxBodyBytes = 4000, MaxSentences = 5, MaxChars = 60, MaxBeam = 4 };
        await using var server = new Server(Service(new TranslationServiceOptions { Threads = 1, MaxQueue = 4 }), limits);
        (string Body, int Status, string Message)[] cases =
        [
            ("{\"text\": [\"chat\"", 400, "request body: not valid JSON"),
            ("[\"chat\"]", 400, "request body: expected a JSON object, got a list"),
            ("{}", 400, "text: missing"),
            ("{\"text\": 3}", 400, "text: expected a list of strings, got the number 3"),
            ("{\"text\": [\"chat\", null]}", 400, "text[1]: expected a string, got null"),
            ("{\"text\": [\"chat\\nmer\"]}", 400, "text[0]: contains a line break"),
            ("{\"text\": [\"chat\"], \"model\": \"nope\"}", 400, "model: no model called 'nope' (serving: tiny)"),
            ("{\"text\": [\"chat\"], \"model\": 1}", 400, "model: expected a string"),
            ("{\"text\": [\"chat\"], \"beam\": 0}", 400, "beam: must be between 1 and 4 (got 0)"),
            ("{\"text\": [\"chat\"], \"beam\": 5}", 400, "beam: must be between 1 and 4 (got 5)"),
            ("{\"text\": [\"chat\"], \"beam\": 2.5}", 400, "beam: expected an integer"),
            ("{\"text\": [\"chat\"], \"beam\": 2, \"n_best\": 3}", 400, "n_best: must be between 1 and 2 (got 3)"),
            ("{\"text\": [\"chat\"], \"alpha\": -1}", 400, "alpha: must be between 0 and 10 (got -1)"),
            ("{\"text\": [\"chat\"], \"alpha\": \"high\"}", 400, "alpha: expected a number, got a string"),
            ("{\"text\": [\"chat\"], \"attention\": \"yes\"}", 400, "attention: expected true or false, got a string"),
            ("{\"text\": [\"chat\"], \"beams\": 2}", 400, "beams: unknown field"),
            ("{\"text\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]}", 413, "text: 6 sentences; at most 5 per request (--max-sentences)"),
            ("{\"text\": [\"chat\", \"" + new string('x', 61) + "\"]}", 413, "text[1]: 61 characters; at most 60 per sentence (--max-chars)"),
            ("{\"text\": [\"" + new string('x', 5000) + "\"]}", 413, "request body: larger than 4000 bytes (--max-body-bytes)"),
            ("{\"text\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", 503, "overloaded: the queue is full"),
        ];
        foreach (var (body, status, message) in cases)
        {
            var (got, json, response) = await Post(server.Client, body);
            Assert.True((int)got == status, $"{body[..Math.Min(body.Length, 60)]}: {(int)got} {json}");
            Assert.StartsWith(message, json.GetProperty("error").GetString());
            Assert.Equal(status == 503, response.Headers.RetryAfter is not null);
            Assert.DoesNotContain("   at ", json.ToString());
        }
        var ok = await Post(server.Client, "{\"text\": [\"chat rouge\", \"\"], \"attention\": true}");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var empty = ok.Body.GetProperty("translations")[1];
        Assert.Equal("", empty.GetProperty("text").GetString());
        Assert.Equal(0, empty.GetProperty("attention").GetArrayLength());
        var first = ok.Body.GetProperty("translations")[0];
        Assert.Equal(first.GetProperty("source_tokens").GetArrayLength(), first.GetProperty("attention")[0].GetArrayLength());
    }

    [Fact]
    public async Task WhileLoadingHealthAndTranslateAnswer503AndThePageIsServed()
    {
        var loading = new TaskCompletionSource<TranslationService>();
        await using var server = new Server(null, loading: loading.Task);
        var health = await server.Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("still loading", await health.Content.ReadAsStringAsync());
        Assert.NotNull(health.Headers.RetryAfter);
        var (status, body, _) = await Post(server.Client, "{\"text\": [\"chat\"]}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("the models are still loading", body.GetProperty("error").GetString());
        string page = await server.Client.GetStringAsync("/");
        Assert.Contains("<textarea", page);
        Assert.DoesNotContain("http", page.Replace("http://www.w3.org/2000/svg", ""));   // self-contained: nothing from elsewhere
    }

    [Fact]
    public async Task StoppingAnswersEveryAcceptedRequestAndRefusesNewOnes()
    {
        var service = Service(new TranslationServiceOptions { Threads = 1, MaxBatch = 64, MaxWait = TimeSpan.FromSeconds(2) });
        await using var server = new Server(service);
        var lines = TinyModelFixture.Sentences(12, seed: 43);
        var want = fixture.Translator.Translate(lines, fixture.Translator.DefaultOptions with { BeamSize = 1 });
        var accepted = lines.Select(l => Post(server.Client, Body(new { text = new[] { l } }))).ToList();
        var clock = Stopwatch.StartNew();
        while (service.Queued < lines.Count && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
        Assert.Equal(lines.Count, service.Queued);                 // all accepted, none decoded yet (the batch waits)
        var stopping = server.StopAsync();
        Assert.Throws<ServiceUnavailableException>(() => { _ = service.TranslateAsync(["chat"]); });
        var answers = await Task.WhenAll(accepted);
        await stopping;
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal(HttpStatusCode.OK, answers[i].Status);
            Assert.Equal(want[i].Text, answers[i].Body.GetProperty("translations")[0].GetProperty("text").GetString());
        }
        await Assert.ThrowsAsync<HttpRequestException>(() => server.Client.GetAsync("health"));   // no longer listening
    }

    [Fact]
    public async Task SigtermFinishesAcceptedRequestsAndExitsZero()
    {
        string dir = TestPaths.NewTempDir();
        var psi = CliProcess.StartInfo(dir, "serve", "--model", "tiny=" + fixture.ModelDir, "--port", "0", "--threads", "1", "--max-wait-ms", "1500");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = new StringBuilder();
        var serving = new TaskCompletionSource<string>();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.StartsWith("seq2seq: serving ", StringComparison.Ordinal))
                serving.TrySetResult(e.Data.Split(" on ")[1].Split(' ')[0]);
        };
        p.BeginErrorReadLine();
        try
        {
            Assert.True(await Task.WhenAny(serving.Task, Task.Delay(60_000)) == serving.Task, "no 'serving' line: " + stderr);
            using var client = new HttpClient { BaseAddress = new Uri(await serving.Task), Timeout = TimeSpan.FromSeconds(60) };
            var lines = TinyModelFixture.Sentences(6, seed: 44);
            var want = fixture.Translator.Translate(lines, fixture.Translator.DefaultOptions with { BeamSize = 1 });
            var accepted = lines.Select(l => Post(client, Body(new { text = new[] { l }, beam = 1 }))).ToList();
            var clock = Stopwatch.StartNew();
            while (await Queued(client) < lines.Count && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
            using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            var answers = await Task.WhenAll(accepted);
            for (int i = 0; i < lines.Count; i++)
            {
                Assert.Equal(HttpStatusCode.OK, answers[i].Status);
                Assert.Equal(want[i].Text, answers[i].Body.GetProperty("translations")[0].GetProperty("text").GetString());
            }
            Assert.True(p.WaitForExit(30_000), "still running after SIGTERM");
            Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}: {stderr}");
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task TheServiceWithoutHttpTranslatesCancelsAndRefusesUnknownModels()
    {
        using var service = Service(new TranslationServiceOptions { Threads = 1, MaxWait = TimeSpan.FromMilliseconds(300) });
        var lines = TinyModelFixture.Sentences(5, seed: 45);
        var options = fixture.Translator.DefaultOptions with { BeamSize = 2, NBest = 2 };
        using var cancel = new CancellationTokenSource();
        var cancelled = service.TranslateAsync(["chat rouge"], "tiny", options, cancel.Token);
        var kept = service.TranslateAsync(lines, null, options);
        cancel.Cancel();                                            // still waiting for its batch: given up, not decoded
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var want = fixture.Translator.Translate(lines, options);
        var got = await kept;
        Assert.Equal(want.Select(t => t.NBest.Select(h => h.Text)), got.Select(t => t.NBest.Select(h => h.Text)));
        Assert.Equal(lines.Count, service.DecodedSentences);
        Assert.Contains("no model called 'de-en' (serving: tiny)",
            Assert.Throws<UserErrorException>(() => { _ = service.TranslateAsync(["chat"], "de-en"); }).Message);
        Assert.Throws<UserErrorException>(() => { _ = service.TranslateAsync(["chat"], null, options with { NBest = 3 }); });
    }

    [Fact]
    public void AFolderThatIsNotAModelOrABusyPortIsOneUserErrorLine()
    {
        string dir = TestPaths.NewTempDir();
        string message = CliProcess.AssertUserError(CliProcess.Run(dir, "serve", "--model", dir, "--port", "0"));
        Assert.Contains("config.yaml: missing", message);
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        message = CliProcess.AssertUserError(CliProcess.Run(dir, "serve", "--model", fixture.ModelDir, "--port", port));
        Assert.Contains($"--port {port}: cannot listen", message);
    }

    private static async Task<int> Queued(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("health")).RootElement.GetProperty("queued").GetInt32();
}
