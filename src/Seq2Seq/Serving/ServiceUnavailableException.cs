namespace Seq2Seq.Serving;

/// <summary>
/// A <see cref="TranslationService"/> refused a request it could not take now: its queue is full, or it is stopping.
/// Nothing of the request was queued; trying again later may succeed (an HTTP server answers 503).
/// </summary>
public sealed class ServiceUnavailableException : Exception
{
    /// <summary>Creates the exception; <paramref name="stopping"/> says the service is shutting down rather than busy.</summary>
    public ServiceUnavailableException(string message, bool stopping) : base(message) => Stopping = stopping;

    /// <summary>True when the service is shutting down (it will not take requests again); false when it is only busy.</summary>
    public bool Stopping { get; }
}
