using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace Seq2Seq;

/// <summary>
/// The fixed CPU threads that training's batch shards and decoding's batches run on: part 0 on the calling thread,
/// part k on worker thread k, the same thread every time, each with libtorch's pool at one thread. Fixed threads
/// matter for memory: glibc malloc gives each allocating thread an arena and keeps freed tensors in it, so with
/// .NET pool threads (a different one from step to step) every arena a part ever touched held its share of a
/// step's tensors; fixed threads keep one arena per part (docs/performance.md, "What makes it fast"). A
/// training run decodes its dev set on its own workers, so validation reuses the arenas training filled.
/// </summary>
internal sealed class WorkerThreads : IDisposable
{
    private readonly BlockingCollection<Action>[] queues;
    private readonly Thread[] threads;

    /// <summary>Starts <paramref name="count"/> − 1 worker threads, so that <paramref name="count"/> parts can run at once.</summary>
    public WorkerThreads(int count)
    {
        Count = Math.Max(1, count);
        queues = new BlockingCollection<Action>[Count - 1];
        threads = new Thread[Count - 1];
        for (int k = 0; k < threads.Length; k++)
        {
            var queue = queues[k] = new BlockingCollection<Action>();
            threads[k] = new Thread(() =>
            {
                set_num_threads(1);
                foreach (var job in queue.GetConsumingEnumerable()) job();
            })
            { IsBackground = true, Name = $"seq2seq worker {k + 1}" };
            threads[k].Start();
        }
    }

    /// <summary>How many parts can run at once (the workers plus the calling thread).</summary>
    public int Count { get; }

    /// <summary>
    /// Runs <paramref name="part"/>(k) for k in [0, <paramref name="count"/>) at once, part 0 on the calling thread
    /// with libtorch's pool at one thread; returns when all are done and rethrows the first failure.
    /// </summary>
    public void Run(int count, Action<int> part)
    {
        if (count > Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"at most {Count} parts");
        var failures = new Exception?[count];
        using var done = new CountdownEvent(count - 1);
        for (int k = 1; k < count; k++)
        {
            int index = k;
            queues[k - 1].Add(() =>
            {
                try { part(index); }
                catch (Exception e) { failures[index] = e; }
                finally { done.Signal(); }
            });
        }
        int pool = get_num_threads();
        if (count > 1) set_num_threads(1);
        try
        {
            part(0);
        }
        catch (Exception e)
        {
            failures[0] = e;
        }
        finally
        {
            done.Wait();
            if (count > 1) set_num_threads(pool);
        }
        if (failures.FirstOrDefault(e => e is not null) is { } first) ExceptionDispatchInfo.Capture(first).Throw();
    }

    /// <summary>Stops the workers once their queued parts are done.</summary>
    public void Dispose()
    {
        foreach (var queue in queues) queue.CompleteAdding();
        foreach (var thread in threads) thread.Join();
        foreach (var queue in queues) queue.Dispose();
    }
}
