// The order of training images in each epoch, derived only from (seed, epoch) so that a resumed run
// visits exactly the batches an uninterrupted one would. Fisher-Yates driven by Philox4x32-10 words
// (key = seed, stream = a tag for shuffling plus the epoch); each swap index uses Lemire's multiply-
// shift on 32 random bits, whose bias (< n / 2^32) is far below anything training could notice.
using VaeGpu.Kernels.Random;

namespace VaeGpu.Runner.Training;

/// <summary>Deterministic per-epoch permutations of the training set.</summary>
public static class EpochShuffle
{
    private const ulong ShuffleTag = 0x5348_0000_0000_0000UL; // "SH" in the top bytes: a stream of its own

    /// <summary>A permutation of [0, count) for <paramref name="epoch"/> (1-based) under <paramref
    /// name="seed"/>.</summary>
    public static int[] Permutation(int count, ulong seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        ulong stream = ShuffleTag | (uint)epoch;
        uint block = 0;
        Span<uint> words = stackalloc uint[4];
        int used = 4;
        for (int i = count - 1; i > 0; i--)
        {
            if (used == 4)
            {
                var (x0, x1, x2, x3) = Philox.Generate(block++, 0, (uint)stream, (uint)(stream >> 32),
                    (uint)seed, (uint)(seed >> 32));
                words[0] = x0; words[1] = x1; words[2] = x2; words[3] = x3;
                used = 0;
            }
            int j = (int)(((ulong)words[used++] * (ulong)(i + 1)) >> 32); // uniform in [0, i]
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
