// Host memory standing in for device memory: 64-byte aligned native blocks, freed on Dispose.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

/// <summary>A CPU "device" buffer: aligned native memory.</summary>
public sealed unsafe class CpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    internal CpuBuffer(Accelerator owner, int length) : base(owner, length)
    {
        Pointer = (T*)NativeMemory.AlignedAlloc((nuint)((long)length * sizeof(T)), 64);
        NativeMemory.Clear(Pointer, (nuint)((long)length * sizeof(T)));
    }

    /// <summary>First element.</summary>
    internal T* Pointer { get; private set; }

    /// <summary>The memory as a span.</summary>
    internal Span<T> Span => new(Pointer, Length);

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
        NativeMemory.AlignedFree(Pointer);
        Pointer = null;
    }

    /// <summary>Frees memory that was never disposed.</summary>
    ~CpuBuffer()
    {
        if (Pointer != null) NativeMemory.AlignedFree(Pointer);
    }
}
