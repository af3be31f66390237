using Seq2Seq.Inference;

namespace Seq2Seq.Serving;

/// <summary>
/// One <see cref="TranslationService.TranslateAsync"/> call: its model, options and a slot per sentence. The task
/// completes when the last slot is filled, with continuations off the decoding thread that filled it.
/// </summary>
internal sealed class PendingRequest(ServedModel model, DecodingOptions options, int count, CancellationToken cancellation)
{
    private readonly Translation[] results = new Translation[count];
    private readonly TaskCompletionSource<IReadOnlyList<Translation>> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int missing = count;

    public ServedModel Model { get; } = model;

    public DecodingOptions Options { get; } = options;

    public CancellationToken Cancellation { get; } = cancellation;

    public Task<IReadOnlyList<Translation>> Task => completion.Task;

    /// <summary>Whether a sentence of <paramref name="other"/> may share a decoding batch with one of this request.</summary>
    public bool Batches(PendingRequest other) => ReferenceEquals(Model, other.Model) && Options == other.Options;

    /// <summary>Stores sentence <paramref name="index"/>'s translation; the last one completes the task.</summary>
    public void Complete(int index, Translation translation)
    {
        results[index] = translation;
        if (Interlocked.Decrement(ref missing) == 0) completion.TrySetResult(results);
    }

    public void Fail(Exception error) => completion.TrySetException(error);

    public void Cancel() => completion.TrySetCanceled(Cancellation);
}
