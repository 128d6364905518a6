// Device memory from ILGPU (a dense 1-D buffer). Kernels get a zero-based view of a BufferView's range
// (SubView at launch), so offsets never reach the kernel code on this backend.
using ILGPU;
using ILGPU.Runtime;

namespace VaeGpu.Kernels.Cuda;

/// <summary>A buffer in the memory of an ILGPU accelerator (CUDA, or the CPU accelerator in tests).</summary>
public sealed class CudaBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    internal CudaBuffer(Accelerator owner, ILGPU.Runtime.Accelerator device, int length) : base(owner, length) =>
        Memory = device.Allocate1D<T>(length);

    /// <summary>The ILGPU buffer.</summary>
    internal MemoryBuffer1D<T, Stride1D.Dense> Memory { get; }

    /// <summary>The view of elements [offset, offset + length).</summary>
    internal ArrayView<T> SubView(int offset, int length) => Memory.View.SubView(offset, length);

    /// <inheritdoc/>
    protected override void DisposeCore() => Memory.Dispose();
}
