// Host memory standing in for device memory: 64-byte aligned native blocks (CpuMemory), freed on Dispose.
using System.Runtime.InteropServices;

namespace VaeGpu.Kernels.Cpu;

/// <summary>A CPU "device" buffer: aligned native memory.</summary>
public sealed unsafe class CpuBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    internal CpuBuffer(Accelerator owner, int length) : base(owner, length)
    {
        Pointer = (T*)CpuMemory.Allocate((nuint)((long)length * sizeof(T)));
        NativeMemory.Clear(Pointer, (nuint)((long)length * sizeof(T)));
    }

    /// <summary>First element.</summary>
    internal T* Pointer { get; private set; }

    /// <summary>The memory as a span.</summary>
    internal Span<T> Span => new(Pointer, Length);

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
        CpuMemory.Free(Pointer);
        Pointer = null;
    }

    /// <summary>Frees memory that was never disposed.</summary>
    ~CpuBuffer()
    {
        if (Pointer != null) CpuMemory.Free(Pointer);
    }
}
