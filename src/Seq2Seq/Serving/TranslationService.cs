using System.Diagnostics;
using Seq2Seq.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Serving;

/// <summary>
/// Translates for many concurrent callers at once: sentences of concurrent <see cref="TranslateAsync"/> calls wait
/// in one queue and are decoded together in batches of up to <see cref="TranslationServiceOptions.MaxBatch"/>
/// sentences, each batch on one of the service's own decoding threads. Callers never run the model themselves,
/// so a web server's request threads stay free; every caller gets exactly its own translations, in its order.
/// </summary>
/// <remarks>
/// <para>Batching: a free decoding thread waits until enough sentences with the same model and decoding options are
/// queued for a full batch, or until the oldest has waited <see cref="TranslationServiceOptions.MaxWait"/>; then it
/// takes its share of them (all of them split evenly among the free threads, so a burst keeps every core busy).
/// Sentences queued while every thread is busy are taken as soon as one is free.</para>
/// <para>Each decoding thread is a fixed thread with libtorch's pool at one thread, as <c>translate</c>'s workers:
/// whole batches side by side use the cores better than one batch's small operations spread over them.</para>
/// <para><see cref="Stop"/> refuses new calls and lets the queued ones finish; <see cref="Dispose"/> stops, waits
/// for the queue to drain and frees the models.</para>
/// </remarks>
/// <example>
/// <code>
/// using var service = TranslationService.Load([("fr-en", "models/sample")]);
/// var results = await service.TranslateAsync(["Le chat dort."]);
/// Console.WriteLine(results[0].Text);
/// </code>
/// </example>
public sealed class TranslationService : IDisposable
{
    private readonly Dictionary<string, ServedModel> models;
    private readonly TranslationServiceOptions options;
    private readonly long maxWaitTicks;
    private readonly object gate = new();
    private readonly List<PendingSentence> queue = [];    // oldest first; guarded by gate
    private readonly Thread[] threads;
    private int idleThreads;                                  // guarded by gate
    private bool stopping;                                    // guarded by gate
    private bool disposed;
    private long decodedBatches, decodedSentences;

    private TranslationService(IReadOnlyList<ServedModel> served, TranslationServiceOptions options)
    {
        this.options = options;
        Models = served;
        models = served.ToDictionary(m => m.Name, StringComparer.Ordinal);
        maxWaitTicks = (long)(options.MaxWait.TotalSeconds * Stopwatch.Frequency);
        bool cpu = served.All(m => m.Translator.Device.type == DeviceType.CPU);
        int count = !cpu ? 1 : options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        threads = new Thread[count];
        for (int k = 0; k < count; k++)
        {
            threads[k] = new Thread(DecodeLoop) { IsBackground = true, Name = $"seq2seq decoder {k + 1}" };
            threads[k].Start();
        }
    }

    /// <summary>
    /// Loads every (name, model directory) of <paramref name="models"/> (the first is the default) and starts the
    /// decoding threads.
    /// </summary>
    /// <exception cref="UserErrorException">An option is out of range, two models share a name, or a directory is not a trained model.</exception>
    public static TranslationService Load(IReadOnlyList<(string Name, string Directory)> models, TranslationServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        options ??= new TranslationServiceOptions();
        options.Validate();
        if (models.Count == 0) throw new UserErrorException("no model to serve");
        if (models.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UserErrorException($"model name '{twice.Key}' is given twice; name each model once (NAME=DIR)");
        var loaded = new List<ServedModel>();
        try
        {
            foreach (var (name, directory) in models) loaded.Add(ServedModel.Load(name, directory, options.Device));
        }
        catch
        {
            foreach (var m in loaded) m.Translator.Dispose();
            throw;
        }
        return new TranslationService(loaded, options);
    }

    /// <summary>The served models, the default first.</summary>
    public IReadOnlyList<ServedModel> Models { get; }

    /// <summary>The model requests get when they name none.</summary>
    public ServedModel DefaultModel => Models[0];

    /// <summary>The number of decoding threads.</summary>
    public int Threads => threads.Length;

    /// <summary>Sentences waiting for a decoding thread now.</summary>
    public int Queued
    {
        get { lock (gate) return queue.Count; }
    }

    /// <summary>Decoding batches run so far (with <see cref="DecodedSentences"/>: the sentences a batch held on average).</summary>
    public long DecodedBatches => Interlocked.Read(ref decodedBatches);

    /// <summary>Sentences decoded so far.</summary>
    public long DecodedSentences => Interlocked.Read(ref decodedSentences);

    /// <summary>The served model called <paramref name="name"/> (null: the default); null when there is none.</summary>
    public ServedModel? Find(string? name) => name is null ? DefaultModel : models.GetValueOrDefault(name);

    /// <summary>
    /// Translates <paramref name="sentences"/> with model <paramref name="model"/> (null: the default) and
    /// <paramref name="decoding"/> (null: the model's config); result i belongs to sentence i, as
    /// <see cref="Translator.Translate"/> gives it. Cancelling gives up the wait; sentences not yet decoded are skipped.
    /// </summary>
    /// <exception cref="UserErrorException">No model has that name, or an option is out of range for it.</exception>
    /// <exception cref="ServiceUnavailableException">The queue has no room for the sentences, or the service is stopping.</exception>
    public Task<IReadOnlyList<Translation>> TranslateAsync(IReadOnlyList<string> sentences, string? model = null, DecodingOptions? decoding = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ObjectDisposedException.ThrowIf(disposed, this);
        var served = Find(model) ?? throw new UserErrorException($"no model called '{model}' (serving: {string.Join(", ", Models.Select(m => m.Name))})");
        decoding ??= served.Translator.DefaultOptions;
        served.Translator.Validate(decoding);
        if (sentences.Count == 0) return Task.FromResult<IReadOnlyList<Translation>>([]);
        var request = new PendingRequest(served, decoding, sentences.Count, cancellation);
        long now = Stopwatch.GetTimestamp();
        lock (gate)
        {
            if (stopping) throw new ServiceUnavailableException("the service is shutting down", stopping: true);
            if (queue.Count + sentences.Count > options.MaxQueue)
                throw new ServiceUnavailableException($"the queue is full ({queue.Count} of {options.MaxQueue} sentences waiting)", stopping: false);
            for (int i = 0; i < sentences.Count; i++) queue.Add(new PendingSentence(request, i, sentences[i] ?? "", now));
            Monitor.PulseAll(gate);
        }
        if (cancellation.CanBeCanceled)
        {
            var registration = cancellation.Register(request.Cancel);
            request.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return request.Task;
    }

    /// <summary>Refuses new calls from now on (<see cref="ServiceUnavailableException"/>); the queued ones are still decoded.</summary>
    public void Stop()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Stops, waits until every queued sentence is decoded, ends the decoding threads and frees the models.</summary>
    public void Dispose()
    {
        if (disposed) return;
        Stop();
        foreach (var thread in threads) thread.Join();
        foreach (var m in Models) m.Translator.Dispose();
        disposed = true;
    }

    /// <summary>A decoding thread: takes a batch, decodes it, hands each sentence its translation; ends once stopped and drained.</summary>
    private void DecodeLoop()
    {
        set_num_threads(1);
        while (TakeBatch() is { } batch) Decode(batch);
    }

    /// <summary>
    /// Waits for a batch (see the class remarks) and takes it out of the queue: sentences of the oldest sentence's
    /// model and options, oldest first. Null once the service is stopping and the queue is empty.
    /// </summary>
    private List<PendingSentence>? TakeBatch()
    {
        lock (gate)
        {
            idleThreads++;
            try
            {
                while (true)
                {
                    if (queue.Count == 0)
                    {
                        if (stopping) return null;
                        Monitor.Wait(gate);
                        continue;
                    }
                    var first = queue[0].Request;
                    int ready = 0;
                    foreach (var s in queue)
                        if (s.Request.Batches(first) && ++ready == options.MaxBatch) break;
                    long waited = Stopwatch.GetTimestamp() - queue[0].ArrivedTicks;
                    if (ready < options.MaxBatch && waited < maxWaitTicks && !stopping)
                    {
                        Monitor.Wait(gate, TimeSpan.FromSeconds((double)(maxWaitTicks - waited) / Stopwatch.Frequency));
                        continue;
                    }
                    int share = Math.Min(options.MaxBatch, (ready + idleThreads - 1) / idleThreads);
                    var batch = new List<PendingSentence>(share);
                    for (int i = 0; i < queue.Count && batch.Count < share; i++)
                    {
                        if (!queue[i].Request.Batches(first)) continue;
                        batch.Add(queue[i]);
                        queue.RemoveAt(i--);
                    }
                    if (queue.Count > 0) Monitor.Pulse(gate);             // another free thread may take the rest
                    return batch;
                }
            }
            finally
            {
                idleThreads--;
            }
        }
    }

    /// <summary>Decodes one batch (all of one model and options) as one <see cref="Translator.Translate"/> call.</summary>
    private void Decode(List<PendingSentence> batch)
    {
        batch.RemoveAll(s => s.Request.Task.IsCompleted);                   // cancelled or failed meanwhile
        if (batch.Count == 0) return;
        var request = batch[0].Request;
        try
        {
            var options = request.Options with { BatchSize = Math.Max(request.Options.BatchSize, batch.Count) };
            var results = request.Model.Translator.Translate([.. batch.Select(s => s.Text)], options);
            Interlocked.Increment(ref decodedBatches);
            Interlocked.Add(ref decodedSentences, batch.Count);
            for (int i = 0; i < batch.Count; i++) batch[i].Request.Complete(batch[i].Index, results[i]);
        }
        catch (Exception e)
        {
            foreach (var s in batch) s.Request.Fail(e);
        }
    }
}
