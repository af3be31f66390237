namespace Seq2Seq.Observability;

/// <summary>
/// Appends scalars and texts to a new TensorBoard event file in a folder (<c>events.out.tfevents.&lt;seconds&gt;.&lt;host&gt;.&lt;pid&gt;</c>),
/// a record at a time and flushed after each, so that TensorBoard shows a run while it trains and a killed run
/// loses nothing written. TorchSharp's <c>SummaryWriter</c> is not used: it stores .NET ticks as the wall time
/// (TensorBoard reads seconds since 1970), and it cannot drop the steps a resumed run will redo.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream stream;

    /// <summary>
    /// Creates <paramref name="folder"/> when missing and opens a new event file in it. With <paramref name="keepUpTo"/>,
    /// the events of the folder's earlier files after that step are removed first (each file rewritten atomically):
    /// a resumed run repeats the steps after its checkpoint, and TensorBoard would otherwise show them twice.
    /// </summary>
    public TensorBoardWriter(string folder, long? keepUpTo = null)
    {
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.GetFiles(folder, AtomicFile.TemporaryPattern)) File.Delete(stale);
        if (keepUpTo is long step)
        {
            foreach (var file in EventFiles(folder)) KeepUpTo(file, step);
        }
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string name = $"events.out.tfevents.{(long)now:D10}.{SafeHostName()}.{Environment.ProcessId}";
        FilePath = Path.Combine(folder, name);
        for (int n = 1; File.Exists(FilePath); n++) FilePath = Path.Combine(folder, $"{name}.{n}");
        stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Write(EventProto.FileVersion(now));
    }

    /// <summary>The event file this writer appends to.</summary>
    public string FilePath { get; }

    /// <summary>The event files of <paramref name="folder"/> in the order TensorBoard reads them (by name).</summary>
    public static IReadOnlyList<string> EventFiles(string folder) => Directory.Exists(folder)
        ? [.. Directory.GetFiles(folder, "events.out.tfevents.*").Where(f => !f.Contains(".tmp-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public void AddScalar(string tag, double value, long step) => Write(EventProto.Scalar(Now(), step, tag, (float)value));

    /// <summary>Records markdown <paramref name="text"/> under <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public void AddText(string tag, string text, long step) => Write(EventProto.Text(Now(), step, tag, text));

    /// <summary>Closes the file.</summary>
    public void Dispose() => stream.Dispose();

    private void Write(byte[] evt)
    {
        EventRecords.Write(stream, evt);
        stream.Flush();
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static void KeepUpTo(string file, long step)
    {
        var records = EventRecords.Read(file);
        var kept = records.Where(r => EventProto.Step(r) <= step).ToList();
        if (kept.Count == records.Count && new FileInfo(file).Length == records.Sum(r => r.Length + 16L)) return;
        AtomicFile.Write(file, s =>
        {
            foreach (var r in kept) EventRecords.Write(s, r);
        });
    }

    /// <summary>The host name as a file name part (TensorBoard's writers put it there too); "localhost" when unknown.</summary>
    private static string SafeHostName()
    {
        string host = Environment.MachineName;
        var safe = new string([.. host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return safe.Length > 0 ? safe : "localhost";
    }
}
