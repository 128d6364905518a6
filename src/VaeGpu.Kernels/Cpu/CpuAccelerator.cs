// The managed CPU backend: buffers are aligned host memory and every op is managed C# (packed SIMD
// GEMM, vectorized element-wise ops) spread over a persistent worker pool. Deterministic: the same
// inputs give bit-identical outputs for any thread count. One caller thread at a time, like a
// GPU stream. Not sealed: the benchmarks' epoch profile derives from it to time each op.
namespace VaeGpu.Kernels.Cpu;

/// <summary>Runs the op set on the host's cores.</summary>
public unsafe partial class CpuAccelerator : Accelerator
{
    /// <summary>Creates the backend with <paramref name="threads"/> worker threads (0: all cores).</summary>
    public CpuAccelerator(int threads = 0) : this(threads, CpuGemmKernel.Auto)
    {
    }

    /// <summary>Creates the backend with a chosen GEMM micro-kernel (tests run each supported one).</summary>
    internal CpuAccelerator(int threads, CpuGemmKernel kernel)
    {
        if (threads < 0)
            throw new ArgumentOutOfRangeException(nameof(threads), $"threads must be >= 0, got {threads}");
        if (kernel == CpuGemmKernel.Auto) kernel = CpuGemmKernels.Best();
        if (!CpuGemmKernels.IsSupported(kernel))
            throw new PlatformNotSupportedException($"this CPU cannot run the {kernel} GEMM kernel");
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        pool = new CpuWorkerPool(Threads);
        gemm = new CpuGemm(pool, kernel);
        samples = new CpuConvSamples(pool, kernel);
        pair = new CpuGemmPair(pool, kernel);
        Info = new AcceleratorInfo(AcceleratorKind.Cpu, 0, CpuName(), "host",
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            Environment.ProcessorCount, $"{Threads} threads, {kernel} GEMM");
    }

    private readonly CpuWorkerPool pool;
    private readonly CpuGemm gemm;
    private readonly CpuConvSamples samples;
    private readonly CpuGemmPair pair;

    /// <summary>Managed bytes allocated so far by this instance's worker threads (for tests).</summary>
    internal long WorkerAllocatedBytes => pool.WorkerAllocatedBytes;

    /// <summary>The GEMM micro-kernel this instance uses.</summary>
    internal CpuGemmKernel GemmKernel => gemm.Kernel;

    /// <summary>Worker threads used by parallel ops.</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    public override AcceleratorKind Kind => AcceleratorKind.Cpu;

    /// <inheritdoc/>
    public override AcceleratorInfo Info { get; }

    /// <inheritdoc/>
    public override string Name => $"cpu ({Threads} threads)";

    /// <summary>The CPU is always there.</summary>
    public static BackendProbe Probe()
    {
        using var cpu = new CpuAccelerator();
        return new BackendProbe(AcceleratorKind.Cpu, [cpu.Info], null);
    }

    internal static T* Ptr<T>(BufferView<T> view) where T : unmanaged =>
        ((CpuBuffer<T>)view.Buffer!).Pointer + view.Offset;

    // An optional output: null when the caller passed an empty view.
    private static float* OrNull(BufferView<float> view) => view.IsEmpty ? null : Ptr(view);

    internal static Span<T> Span<T>(BufferView<T> view) where T : unmanaged => new(Ptr(view), view.Length);

    /// <inheritdoc/>
    protected override DeviceBuffer<T> AllocateCore<T>(int length) => new CpuBuffer<T>(this, length);

    /// <inheritdoc/>
    protected override void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination) =>
        source.CopyTo(Span(destination));

    /// <inheritdoc/>
    protected override void CopyToHostCore<T>(BufferView<T> source, Span<T> destination) =>
        Span(source).CopyTo(destination);

    /// <inheritdoc/>
    protected override void CopyCore<T>(BufferView<T> source, BufferView<T> destination) =>
        Span(source).CopyTo(Span(destination));

    /// <inheritdoc/>
    protected override void FillCore(BufferView<float> destination, float value) =>
        Span(destination).Fill(value);

    /// <inheritdoc/>
    protected override void SynchronizeCore()
    {
    }

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
        pool.Dispose();
        gemm.Dispose();
        samples.Dispose();
        pair.Dispose();
        FreeScratch();
    }

    private static string CpuName()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
