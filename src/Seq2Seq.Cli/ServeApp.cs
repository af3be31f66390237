using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Seq2Seq.Serving;

namespace Seq2Seq.Cli;

/// <summary>
/// The web server of <c>seq2seq serve</c> (ASP.NET Core minimal APIs on Kestrel): <c>POST /v1/translate</c>,
/// <c>GET /v1/models</c>, <c>GET /health</c> and the page at <c>/</c>, in front of a <see cref="TranslationService"/>
/// that is still loading when the server starts (until then every endpoint but the page answers 503). Request
/// threads only parse, queue and write JSON; the service's own threads decode. When the host stops (Ctrl+C,
/// SIGTERM or <see cref="StopAsync"/>), new requests get 503 and the accepted ones finish.
/// </summary>
internal sealed class ServeApp : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Task<TranslationService> loading;
    private readonly ServeLimits limits;
    private volatile bool stopping;

    public ServeApp(string host, int port, ServeLimits limits, Task<TranslationService> loading)
    {
        this.loading = loading;
        this.limits = limits;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Kestrel reads and discards the rest of a body the app refused (413) before the next request, when it
            // is under this limit; cutting the connection with the body unread would lose the 413 answer instead.
            k.Limits.MaxRequestBodySize = Math.Max(limits.MaxBodyBytes * 4L, 8L << 20);
            if (host == "localhost") k.ListenLocalhost(port);
            else k.Listen(IPAddress.Parse(host), port);
        });
        app = builder.Build();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            stopping = true;
            if (loading.IsCompletedSuccessfully) loading.Result.Stop();
        });
        app.Use(Guard);
        app.MapPost("/v1/translate", Translate);
        app.MapGet("/v1/models", context => Json(context, 200, ServeJson.Models(Service())));
        app.MapGet("/health", context => Json(context, 200, ServeJson.Health(Service())));
        app.MapGet("/", ServePage.Write);
    }

    /// <summary>Whether <paramref name="host"/> is a value <c>--host</c> takes: localhost or an IP address.</summary>
    public static bool IsHost(string host) => host == "localhost" || IPAddress.TryParse(host, out _);

    /// <summary>The addresses listened on (with the port chosen when 0 was asked), once started.</summary>
    public IReadOnlyList<string> Urls => [.. app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
        .Get<IServerAddressesFeature>()!.Addresses];

    public Task StartAsync() => app.StartAsync();

    /// <summary>Refuses new requests, waits for the accepted ones and stops listening.</summary>
    public Task StopAsync() => app.StopAsync();

    /// <summary>Waits until the host has stopped (after a signal or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private TranslationService Service() =>
        loading.IsCompletedSuccessfully ? loading.Result : loading.IsCompleted ? throw new ServeError(503, "the models failed to load")
        : throw new ServeError(503, "the models are still loading", retryAfterSeconds: 1);

    /// <summary>Answers every fault as <c>{"error": ...}</c> (never a stack trace), and 503 once the server is stopping.</summary>
    private async Task Guard(HttpContext context, RequestDelegate next)
    {
        try
        {
            if (stopping)
            {
                context.Response.Headers.Connection = "close";
                throw new ServeError(503, "the server is shutting down");
            }
            await next(context);
        }
        catch (ServeError e)
        {
            if (e.RetryAfterSeconds is int seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Json(context, e.Status, ServeJson.Error(e.Message));
        }
        catch (BadHttpRequestException e)
        {
            string message = e.StatusCode == 413 ? $"request body: larger than {limits.MaxBodyBytes} bytes (--max-body-bytes)" : $"bad request ({e.Message})";
            await Json(context, e.StatusCode, ServeJson.Error(message));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"seq2seq: {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message}");
            if (!context.Response.HasStarted) await Json(context, 500, ServeJson.Error("internal error"));
        }
    }

    private async Task Translate(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        var service = Service();
        var body = await ReadBody(context.Request);
        var request = ServeRequest.Parse(body.WrittenSpan, service, limits);
        IReadOnlyList<Inference.Translation> results;
        try
        {
            results = await service.TranslateAsync(request.Text, request.Model.Name, request.Options, context.RequestAborted);
        }
        catch (ServiceUnavailableException e)
        {
            throw e.Stopping ? new ServeError(503, "the server is shutting down")
                : new ServeError(503, $"overloaded: {e.Message}; try again shortly", retryAfterSeconds: 1);
        }
        await Json(context, 200, ServeJson.Translations(request, results, clock.Elapsed.TotalMilliseconds));
    }

    /// <summary>The whole body, refused with 413 beyond <see cref="ServeLimits.MaxBodyBytes"/>.</summary>
    private async Task<ArrayBufferWriter<byte>> ReadBody(HttpRequest request)
    {
        string tooLarge = $"request body: larger than {limits.MaxBodyBytes} bytes (--max-body-bytes)";
        if (request.ContentLength > limits.MaxBodyBytes) throw new ServeError(413, tooLarge);
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            int n = await request.Body.ReadAsync(buffer.GetMemory(4096), request.HttpContext.RequestAborted);
            if (n == 0) return buffer;
            buffer.Advance(n);
            if (buffer.WrittenCount > limits.MaxBodyBytes) throw new ServeError(413, tooLarge);
        }
    }

    private static Task Json(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
