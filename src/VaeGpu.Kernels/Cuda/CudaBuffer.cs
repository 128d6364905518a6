// Device memory from cuMemAlloc. A view's address is Pointer + Offset * sizeof(T); kernels instead
// get the base pointer and the element offset as two arguments (the generator's Buf<T> convention).
namespace VaeGpu.Kernels.Cuda;

/// <summary>A buffer in CUDA device memory.</summary>
public sealed unsafe class CudaBuffer<T> : DeviceBuffer<T> where T : unmanaged
{
    private readonly CudaContext _context;

    internal CudaBuffer(Accelerator owner, CudaContext context, int length) : base(owner, length)
    {
        _context = context;
        context.MakeCurrent();
        CudaException.ThrowIfFailed(CuApi.cuMemAlloc(out var pointer, (nuint)SizeInBytes));
        Pointer = pointer;
    }

    /// <summary>The device address of element 0.</summary>
    public ulong Pointer { get; private set; }

    /// <summary>The device address of element <paramref name="offset"/>.</summary>
    internal ulong Address(int offset) => Pointer + (ulong)offset * (ulong)sizeof(T);

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
        // Releasing the primary context frees all its memory, so a buffer outliving its
        // accelerator has nothing left to free (and its address would be stale).
        if (Pointer == 0 || _context.IsReleased) return;
        _context.MakeCurrent();
        CudaException.ThrowIfFailed(CuApi.cuMemFree(Pointer));
        Pointer = 0;
    }
}
