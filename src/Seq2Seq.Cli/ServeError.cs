namespace Seq2Seq.Cli;

/// <summary>
/// A request <c>seq2seq serve</c> answers with an error: the HTTP status, the message naming the field, and for a
/// passing condition (busy, still loading) the seconds after which to try again.
/// </summary>
internal sealed class ServeError(int status, string message, int? retryAfterSeconds = null) : Exception(message)
{
    public int Status { get; } = status;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}
