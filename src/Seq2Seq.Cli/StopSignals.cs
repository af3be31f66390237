using System.Runtime.InteropServices;

namespace Seq2Seq.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM during training: the first one prints <c>notice</c> and cancels <see cref="Token"/>,
/// so the trainer stops after its current step and saves; the process then exits with 130 or 143.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration sigint;
    private readonly PosixSignalRegistration sigterm;
    private int signalExit;

    public StopSignals(string notice)
    {
        void Stop(PosixSignalContext context, int code)
        {
            context.Cancel = true;
            if (signalExit == 0) Console.Error.WriteLine($"\n{notice}");
            signalExit = code;
            cancel.Cancel();
        }
        sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, 130));
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, 143));
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    /// <summary>The exit code of an interrupted run: 130 after SIGINT (or when none was seen), 143 after SIGTERM.</summary>
    public int InterruptedExitCode => signalExit == 0 ? 130 : signalExit;

    public void Dispose()
    {
        sigint.Dispose();
        sigterm.Dispose();
        cancel.Dispose();
    }
}
