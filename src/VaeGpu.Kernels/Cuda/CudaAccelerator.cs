// The CUDA backend: the driver API for memory and launches, NVRTC to compile the generated CUDA C
// for the device's compute capability. Every op comes from KernelAccelerator, which launches the
// same generated kernels the OpenCL backend runs; this class supplies memory, copies and launching.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Generated;
using VaeGpu.Kernels.Gpu;

namespace VaeGpu.Kernels.Cuda;

/// <summary>Runs the op set on an NVIDIA GPU through the CUDA driver API and NVRTC.</summary>
public sealed partial class CudaAccelerator : KernelAccelerator
{
    private readonly CudaContext _context;
    private readonly CudaModule _module;
    private readonly CudaLauncher _launcher;
    private readonly int _maxThreadsPerBlock;

    private CudaAccelerator(int device, CudaDeviceFacts facts)
    {
        _context = new CudaContext(device);
        try
        {
            _maxThreadsPerBlock = facts.MaxThreadsPerBlock;
            int arch = CudaCompiler.TargetArchitecture(facts.Major, facts.Minor, NvrtcApi.SupportedArchitectures());
            var ptx = CudaCompiler.Compile(GeneratedKernels.CudaProgram, "vaegpu_kernels.cu", arch);
            _module = new CudaModule(_context, ptx);
            var kernels = new CudaKernel[GeneratedKernels.All.Count];
            foreach (var source in GeneratedKernels.All)
                kernels[source.Id] = new CudaKernel(source, _module.Function(source.Name));
            _launcher = new CudaLauncher(this, kernels);
            Info = facts.ToInfo(device, $"PTX compute_{arch}");
        }
        catch
        {
            _module?.Dispose();
            _context.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override AcceleratorKind Kind => AcceleratorKind.Cuda;

    /// <inheritdoc/>
    public override AcceleratorInfo Info { get; }

    /// <inheritdoc/>
    protected override IKernelLauncher Launcher => _launcher;

    /// <summary>
    /// Creates the backend on device <paramref name="device"/>; throws <see cref="AcceleratorUnavailableException"/>
    /// saying what is missing (driver, device, NVRTC) or why the device cannot be used.
    /// </summary>
    public static Accelerator Create(int device)
    {
        var facts = Devices(out var reason);
        if (reason is not null) throw new AcceleratorUnavailableException(reason);
        if (device < 0 || device >= facts.Count)
            throw new AcceleratorUnavailableException(
                $"no CUDA device {device}: this machine has {facts.Count} (use 0..{facts.Count - 1})");
        try
        {
            return new CudaAccelerator(device, facts[device]);
        }
        catch (CudaException e) when (e.Code is not (nameof(NvrtcResult.NVRTC_ERROR_COMPILATION)
                                          or nameof(CuResult.CUDA_ERROR_INVALID_PTX)))
        {
            // The machine's state, not our code: device busy or prohibited, out of memory, NVRTC newer
            // than the driver. A compile error in our own kernels stays a CudaException (a bug).
            throw new AcceleratorUnavailableException($"CUDA device {device} ({facts[device].Name}) cannot be used: "
                + e.Message);
        }
    }

    /// <summary>
    /// Milliseconds the GPU spent on the work that <paramref name="work"/> enqueues, timed with CUDA
    /// events around it; waits for that work to finish.
    /// </summary>
    public double MeasureMilliseconds(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ThrowIfDisposed();
        _context.MakeCurrent();
        CudaException.ThrowIfFailed(CuApi.cuEventCreate(out var start, 0));
        try
        {
            CudaException.ThrowIfFailed(CuApi.cuEventCreate(out var end, 0));
            try
            {
                CudaException.ThrowIfFailed(CuApi.cuEventRecord(start, IntPtr.Zero));
                work();
                _context.MakeCurrent(); // work may have run on this thread only, but be sure
                CudaException.ThrowIfFailed(CuApi.cuEventRecord(end, IntPtr.Zero));
                CudaException.ThrowIfFailed(CuApi.cuEventSynchronize(end));
                CudaException.ThrowIfFailed(CuApi.cuEventElapsedTime(out var ms, start, end));
                return ms;
            }
            finally
            {
                CuApi.cuEventDestroy(end); // cleanup: a failure here cannot hide the real error
            }
        }
        finally
        {
            CuApi.cuEventDestroy(start);
        }
    }

    /// <inheritdoc/>
    protected override void DisposeDeviceCore()
    {
        _launcher.Dispose();
        _module.Dispose();
        _context.Dispose();
    }

    /// <summary>Binds generated launch helpers to CUDA kernels; one kernel is staged at a time.</summary>
    private sealed class CudaLauncher(CudaAccelerator owner, CudaKernel[] kernels) : IKernelLauncher, IDisposable
    {
        private CudaKernel? _current;

        public void Begin(int kernelId)
        {
            if ((uint)kernelId >= (uint)kernels.Length)
                throw new ArgumentOutOfRangeException(nameof(kernelId), $"no generated kernel {kernelId} "
                    + $"(the program has {kernels.Length})");
            _current = kernels[kernelId];
            _current.Reset();
        }

        public void SetBuffer<T>(int index, BufferView<T> view) where T : unmanaged
        {
            if (view.Buffer is not CudaBuffer<T> buffer || !ReferenceEquals(buffer.Owner, owner))
                throw new ArgumentException($"kernel {Current.Source.Name}: parameter {index} is {view}, "
                    + $"not a buffer of {owner.Name}", nameof(view));
            Current.SetBuffer(index, buffer.Pointer, view.Offset, BufferKind<T>());
        }

        public void SetInt(int index, int value) => Current.SetInt(index, value);

        public void SetUInt(int index, uint value) => Current.SetUInt(index, value);

        public void SetFloat(int index, float value) => Current.SetFloat(index, value);

        public void Launch(in LaunchDims dims)
        {
            owner._context.MakeCurrent();
            Current.Launch(dims, owner._maxThreadsPerBlock);
        }

        public void Dispose()
        {
            foreach (var kernel in kernels) kernel?.Dispose();
        }

        private CudaKernel Current =>
            _current ?? throw new InvalidOperationException("IKernelLauncher.Begin was not called before setting arguments");

        private static KernelParameterKind BufferKind<T>() where T : unmanaged =>
            typeof(T) == typeof(float) ? KernelParameterKind.FloatBuffer
            : typeof(T) == typeof(int) ? KernelParameterKind.IntBuffer
            : typeof(T) == typeof(uint) ? KernelParameterKind.UIntBuffer
            : typeof(T) == typeof(byte) ? KernelParameterKind.ByteBuffer
            : throw new NotSupportedException($"kernels take float, int, uint or byte buffers, not {typeof(T).Name}");
    }
}
