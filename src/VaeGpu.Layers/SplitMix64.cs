// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014;
// constants as in Vigna's public-domain reference). Used only on the host, for parameter
// initialization, so that one seed gives the same initial weights on every backend.
namespace VaeGpu.Layers;

/// <summary>A small seeded generator: 64-bit state, one output per step.</summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (exact in float).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / 16777216.0f);

    /// <summary>Uniform in [-bound, bound).</summary>
    public float NextUniform(float bound) => (2 * NextFloat() - 1) * bound;
}
