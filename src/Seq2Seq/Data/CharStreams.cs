namespace Seq2Seq.Data;

/// <summary>
/// A text laid out for truncated backpropagation through time. The text is read as a loop (its last character is
/// followed by its first, so that "hello\n" also teaches what comes after the newline), and its (character, next
/// character) pairs are split into <see cref="Batch"/> contiguous streams of <see cref="Length"/> pairs each (the
/// few pairs left over at the end are not used), read side by side in chunks of up to <see cref="SeqLength"/>
/// pairs: chunk k of every stream follows chunk k-1 of the same stream in the text, so the hidden state at the end
/// of one chunk is the right start for the next. After the last chunk, every stream wraps around to its start
/// (where the trainer resets the state).
/// </summary>
public sealed class CharStreams
{
    /// <summary>Lays out <paramref name="ids"/> (the text's character ids).</summary>
    /// <exception cref="ArgumentException">The text has fewer than <paramref name="batchSize"/> characters.</exception>
    public CharStreams(IReadOnlyList<int> ids, int batchSize, int seqLength)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(seqLength, 1);
        int pairs = ids.Count;
        if (pairs < batchSize)
            throw new ArgumentException($"{ids.Count} characters are fewer than {batchSize} streams", nameof(ids));
        Batch = batchSize;
        SeqLength = seqLength;
        Length = pairs / batchSize;
        UnusedPairs = pairs - Batch * Length;
        Inputs = new long[Batch * Length];
        Targets = new long[Batch * Length];
        for (int b = 0; b < Batch; b++)
        {
            for (int i = 0; i < Length; i++)
            {
                Inputs[b * Length + i] = ids[b * Length + i];
                Targets[b * Length + i] = ids[(b * Length + i + 1) % ids.Count];
            }
        }
    }

    /// <summary>Number of parallel streams.</summary>
    public int Batch { get; }

    /// <summary>Pairs per stream.</summary>
    public int Length { get; }

    /// <summary>Most pairs per chunk.</summary>
    public int SeqLength { get; }

    /// <summary>Chunks per pass over the text; the last one is shorter when <see cref="SeqLength"/> does not divide <see cref="Length"/>.</summary>
    public int Chunks => (Length + SeqLength - 1) / SeqLength;

    /// <summary>Pairs at the end of the text that belong to no stream (fewer than <see cref="Batch"/>).</summary>
    public int UnusedPairs { get; }

    /// <summary>The input character of every stream and position, row-major: (Batch, Length).</summary>
    public long[] Inputs { get; }

    /// <summary>The character that follows each input (the first character after the last): (Batch, Length).</summary>
    public long[] Targets { get; }

    /// <summary>Where chunk <paramref name="index"/> (0 ≤ index &lt; <see cref="Chunks"/>) lies in every stream.</summary>
    public (int Start, int Length) Chunk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Chunks);
        int start = index * SeqLength;
        return (start, Math.Min(SeqLength, Length - start));
    }
}
