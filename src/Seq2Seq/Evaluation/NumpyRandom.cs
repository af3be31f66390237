namespace Seq2Seq.Evaluation;

/// <summary>
/// The index stream of numpy's <c>np.random.default_rng(seed).choice(n, size, replace=True)</c>: SeedSequence,
/// PCG64 (XSL-RR) and Lemire's bounded integers, reproduced so that our bootstrap draws the very resamples sacrebleu draws.
/// </summary>
internal sealed class NumpyRandom
{
    private static readonly UInt128 Multiplier = new(2549297995355413924UL, 4865540595714422341UL);

    private UInt128 _state;
    private readonly UInt128 _inc;
    private bool _hasUint32;
    private uint _uinteger;

    public NumpyRandom(uint seed)
    {
        ulong[] s = SeedSequenceState(seed);
        var initState = new UInt128(s[0], s[1]);
        var initSeq = new UInt128(s[2], s[3]);
        _state = 0;
        _inc = (initSeq << 1) | 1;
        Step();
        _state += initState;
        Step();
    }

    private void Step() => _state = (_state * Multiplier) + _inc;

    public ulong NextUInt64()
    {
        Step();
        ulong hi = (ulong)(_state >> 64), lo = (ulong)_state;
        int rot = (int)(_state >> 122);
        return ulong.RotateRight(hi ^ lo, rot);
    }

    public uint NextUInt32()
    {
        if (_hasUint32)
        {
            _hasUint32 = false;
            return _uinteger;
        }
        ulong next = NextUInt64();
        _hasUint32 = true;
        _uinteger = (uint)(next >> 32);
        return (uint)next;
    }

    /// <summary>One draw of <c>integers(0, n)</c> for 1 ≤ n ≤ 2^32 - 1 (Lemire's method, as numpy).</summary>
    public int NextIndex(int n)
    {
        uint rng = (uint)(n - 1);
        if (rng == 0)
        {
            return 0;
        }
        uint rngExcl = rng + 1;
        ulong m = (ulong)NextUInt32() * rngExcl;
        uint leftover = (uint)m;
        if (leftover < rngExcl)
        {
            uint threshold = (uint.MaxValue - rng) % rngExcl;
            while (leftover < threshold)
            {
                m = (ulong)NextUInt32() * rngExcl;
                leftover = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    private static ulong[] SeedSequenceState(uint entropy)
    {
        const uint InitA = 0x43b0d7e5, MultA = 0x931e8875, InitB = 0x8b51f9dd, MultB = 0x58f38ded;
        const uint MixMultL = 0xca01f9dd, MixMultR = 0x4973f715;
        const int XShift = 16;
        uint hashConst = InitA;
        uint HashMix(uint value)
        {
            value ^= hashConst;
            hashConst *= MultA;
            value *= hashConst;
            value ^= value >> XShift;
            return value;
        }
        static uint Mix(uint x, uint y)
        {
            uint result = (MixMultL * x) - (MixMultR * y);
            result ^= result >> XShift;
            return result;
        }

        var pool = new uint[4];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = HashMix(i == 0 ? entropy : 0);
        }
        for (int src = 0; src < pool.Length; src++)
        {
            for (int dst = 0; dst < pool.Length; dst++)
            {
                if (src != dst)
                {
                    pool[dst] = Mix(pool[dst], HashMix(pool[src]));
                }
            }
        }

        var words = new uint[8];
        uint h = InitB;
        for (int i = 0; i < words.Length; i++)
        {
            uint v = pool[i % pool.Length];
            v ^= h;
            h *= MultB;
            v *= h;
            v ^= v >> XShift;
            words[i] = v;
        }
        var state = new ulong[4];
        for (int i = 0; i < 4; i++)
        {
            state[i] = words[2 * i] | ((ulong)words[(2 * i) + 1] << 32);
        }
        return state;
    }
}
