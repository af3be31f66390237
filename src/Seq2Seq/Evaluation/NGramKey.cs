namespace Seq2Seq.Evaluation;

/// <summary>
/// An n-gram packed into 128 bits: up to four 32-bit token ids (BLEU, chrF++ words) or six 21-bit code points
/// (chrF characters). Ids and code points are stored +1 so the order is implied by the empty slots.
/// </summary>
internal readonly record struct NGramKey(ulong A, ulong B)
{
    public static NGramKey Words(ReadOnlySpan<int> ids, ulong tag = 0)
    {
        ulong a = (uint)ids[0];
        if (ids.Length > 1)
        {
            a |= (ulong)(uint)ids[1] << 32;
        }
        ulong b = tag;
        if (ids.Length > 2)
        {
            b |= (uint)ids[2];
        }
        if (ids.Length > 3)
        {
            b |= (ulong)(uint)ids[3] << 32;
        }
        return new NGramKey(a, b);
    }

    public static NGramKey Chars(ReadOnlySpan<int> cps)
    {
        ulong a = 0, b = 0;
        for (int i = 0; i < cps.Length && i < 3; i++)
        {
            a |= (ulong)(uint)(cps[i] + 1) << (21 * i);
        }
        for (int i = 3; i < cps.Length; i++)
        {
            b |= (ulong)(uint)(cps[i] + 1) << (21 * (i - 3));
        }
        return new NGramKey(a, b);
    }

    public override int GetHashCode()
    {
        ulong h = (A ^ (B * 0x9E3779B97F4A7C15UL)) * 0xC2B2AE3D27D4EB4FUL;
        return (int)(h >> 32) ^ (int)h;
    }
}
