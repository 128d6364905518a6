// The managed CPU backend: buffers are aligned host memory and every op is plain C#.
namespace VaeGpu.Kernels.Cpu;

/// <summary>Runs the op set on the host's cores.</summary>
public sealed unsafe partial class CpuAccelerator : Accelerator
{
    /// <summary>Creates the backend with <paramref name="threads"/> worker threads (0: all cores).</summary>
    public CpuAccelerator(int threads = 0)
    {
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), $"threads must be >= 0, got {threads}");
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        Info = new AcceleratorInfo(AcceleratorKind.Cpu, 0, CpuName(), "host", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            Environment.ProcessorCount, $"{Threads} threads");
    }

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
    protected override void FillCore(BufferView<float> destination, float value) => Span(destination).Fill(value);

    /// <inheritdoc/>
    protected override void SynchronizeCore()
    {
    }

    /// <inheritdoc/>
    protected override void DisposeCore()
    {
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
