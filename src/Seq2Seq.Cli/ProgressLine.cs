using System.Diagnostics;
using System.Globalization;

namespace Seq2Seq.Cli;

/// <summary>
/// A live progress line for long work on a terminal, <c>translating: 420/1000 sentences | 35.2 sentences/s | ETA 0m16s</c>,
/// redrawn in place four times a second and closed with a final line when the work ends. When not live (stderr
/// redirected to a file or a pipe) it writes nothing at all, so logs and piped output stay as they were.
/// </summary>
internal sealed class ProgressLine : IProgress<int>, IDisposable
{
    private readonly TextWriter output;
    private readonly string what;
    private readonly long? total;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Timer? timer;
    private readonly bool live;
    private readonly Lock drawing = new();
    private long done;
    private int drawnWidth;
    private bool closed;

    /// <summary>Starts a line about <paramref name="what"/> (of <paramref name="total"/> items when known); <paramref name="live"/> false: silent.</summary>
    public ProgressLine(TextWriter output, string what, long? total, bool live)
    {
        this.output = output;
        this.what = what;
        this.total = total;
        this.live = live;
        if (!live) return;
        Redraw();
        timer = new Timer(_ => Redraw(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>A line on the console's stderr, live only when stderr is a terminal and <paramref name="stdoutFree"/> (stdout does not share that terminal).</summary>
    public static ProgressLine OnStderr(string what, long? total, bool stdoutFree) =>
        new(Console.Error, what, total, live: !Console.IsErrorRedirected && stdoutFree);

    /// <summary>The number of lines of <paramref name="path"/> as the translation reads them (a last line without a line feed counts).</summary>
    public static long CountLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        long lines = 0;
        int read, last = '\n';
        while ((read = stream.Read(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == '\n' ? lines : lines + 1;
    }

    /// <summary>Adds <paramref name="value"/> items done; safe from any thread.</summary>
    public void Report(int value) => Interlocked.Add(ref done, value);

    /// <summary>Draws the final line with <paramref name="count"/> items done (default: the total) and ends it with a line feed.</summary>
    public void Finish(long? count = null)
    {
        if ((count ?? total) is long all) Interlocked.Exchange(ref done, all);
        Close(final: true);
    }

    /// <summary>Stops the line; one left unfinished (an error) is wiped, so that the error message starts a clean line.</summary>
    public void Dispose() => Close(final: false);

    /// <summary>The text of the line after <paramref name="seconds"/> with <paramref name="count"/> items done.</summary>
    internal static string Text(string what, long count, long? total, double seconds, bool final)
    {
        double rate = count / Math.Max(seconds, 1e-9);
        string counted = total is long all ? $"{count}/{all} sentences" : $"{count} sentences";
        string speed = seconds > 0 && count > 0 ? string.Create(CultureInfo.InvariantCulture, $" | {rate:F1} sentences/s") : "";
        if (final) return $"{what}: {counted} in {Clock(seconds)}{speed}";
        string eta = total is long n && count > 0 && n > count ? $" | ETA {Clock((n - count) / rate)}" : "";
        return $"{what}: {counted}{speed}{eta}";
    }

    private void Close(bool final)
    {
        timer?.Dispose();
        lock (drawing)
        {
            if (closed || !live) return;
            closed = true;
            if (final)
            {
                Write(Text(what, Interlocked.Read(ref done), total, clock.Elapsed.TotalSeconds, final: true));
                output.WriteLine();
            }
            else if (drawnWidth > 0)
            {
                output.Write("\r" + new string(' ', drawnWidth) + "\r");
            }
            output.Flush();
        }
    }

    /// <summary>Draws the line as it stands now (the timer does this four times a second).</summary>
    internal void Redraw()
    {
        lock (drawing)
        {
            if (closed || !live) return;
            Write(Text(what, Interlocked.Read(ref done), total, clock.Elapsed.TotalSeconds, final: false));
            output.Flush();
        }
    }

    /// <summary>Rewrites the line in place, cut to the terminal's width and padded over a longer earlier text.</summary>
    private void Write(string line)
    {
        int width = Math.Max(20, TerminalWidth() - 1);
        if (line.Length > width) line = line[..width];
        output.Write("\r" + line.PadRight(drawnWidth));
        drawnWidth = line.Length;
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    private static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
    }
}
