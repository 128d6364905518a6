// Grow-once native scratch for the CPU ops: each use keeps one 64-byte-aligned buffer and its length,
// and the buffer is reallocated only to grow, so steady-state training steps allocate nothing.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

internal static unsafe class CpuScratch
{
    /// <summary>Makes <paramref name="buffer"/> hold at least <paramref name="count"/> elements; growing
    /// drops the old contents.</summary>
    public static void Ensure<T>(ref T* buffer, ref long length, long count) where T : unmanaged
    {
        if (count <= length) return;
        Free(ref buffer, ref length);
        buffer = (T*)CpuMemory.Allocate((nuint)(count * sizeof(T)));
        length = count;
    }

    /// <summary>Frees <paramref name="buffer"/> (null is fine) and leaves it null and empty.</summary>
    public static void Free<T>(ref T* buffer, ref long length) where T : unmanaged
    {
        CpuMemory.Free(buffer);
        buffer = null;
        length = 0;
    }
}
