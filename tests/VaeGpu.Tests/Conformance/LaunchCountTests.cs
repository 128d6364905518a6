// KernelAccelerator.Launches on the kernel-running backends (PoCL OpenCL, ILGPU's CPU accelerator): every
// op adds the launches it is documented to make, so the fused ops are one launch each and a SumInto that
// one group covers is one launch. The benchmarks' launches-per-step table rests on this counter.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Gpu;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

/// <summary>Launch counts per op; subclasses choose the backend.</summary>
public abstract class LaunchCountSuite : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private KernelAccelerator? _accelerator;

    /// <summary>The accelerator under test, created on first use.</summary>
    protected KernelAccelerator Acc => _accelerator ??= CreateAccelerator();

    /// <summary>Creates the backend's accelerator.</summary>
    protected abstract KernelAccelerator CreateAccelerator();

    [BackendFact]
    public void EachOpAddsItsLaunches()
    {
        var a = Buffer(4096);
        var b = Buffer(4096);
        var c = Buffer(4096);
        var d = Buffer(4096);
        var e = Buffer(4096);
        var f = Buffer(4096);
        Assert.Equal(1, Launches(() => Acc.Gemm(GemmLayout.NN, 5, 6, 7, a, b, c, bias: d.Slice(0, 6),
            activation: Activation.Relu)));
        Assert.Equal(1, Launches(() => Acc.ColumnSum(a, 5, 6, c, accumulate: true)));
        Assert.Equal(1, Launches(() => Acc.ActivationBackward(Activation.Relu, a, b, b, 30)));
        Assert.Equal(1, Launches(() => Acc.ActivationBackwardColumnSum(Activation.Relu, a, b, b, 5, 6,
            c.Slice(0, 6), accumulate: true)));
        Assert.Equal(1, Launches(() => Acc.ReparameterizeForward(a, b, c, d, 40, 1, 2)));
        Assert.Equal(1, Launches(() => Acc.KlDivergence(a, b, 4, 10, c, d, e, 1)));
        Assert.Equal(1, Launches(() => Acc.ReparameterizeKl(a, b, 4, 10, c.Slice(0, 40), d, 1, 2,
            c.Slice(100, 4), e, f, 1)));
        // A batch's row losses (n <= ReduceThreads = 256) in one launch; larger n in two stages.
        Assert.Equal(1, Launches(() => Acc.SumInto(a, 1, b.Slice(0, 1))));
        Assert.Equal(1, Launches(() => Acc.SumInto(a, 256, b.Slice(0, 1))));
        Assert.Equal(2, Launches(() => Acc.SumInto(a, 257, b.Slice(0, 1))));
        Assert.Equal(2, Launches(() => Acc.SumInto(a, 4096, b.Slice(0, 1))));
        Assert.Equal(0, Launches(() => Acc.Synchronize()));
    }

    private long Launches(Action op)
    {
        long before = Acc.Launches;
        op();
        return Acc.Launches - before;
    }

    private BufferView<float> Buffer(int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (i % 17 - 8) / 16f;
        var buffer = Acc.Upload<float>(values);
        _owned.Add(buffer);
        return buffer.View;
    }

    /// <summary>Disposes buffers, then the accelerator.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
        _accelerator?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Launch counts on OpenCL device 0 (PoCL here).</summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLLaunchCountTests : LaunchCountSuite
{
    protected override KernelAccelerator CreateAccelerator() =>
        (KernelAccelerator)Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>Launch counts on the CUDA backend's code path run by ILGPU's CPU accelerator.</summary>
public sealed class IlgpuCpuLaunchCountTests : LaunchCountSuite
{
    protected override KernelAccelerator CreateAccelerator() => CudaAccelerator.CreateEmulated();
}
