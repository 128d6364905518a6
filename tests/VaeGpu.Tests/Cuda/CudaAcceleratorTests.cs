// What the CUDA backend adds beyond the op set, on a real GPU (skipped with the probe's reason
// elsewhere): copies at view offsets for every element type, device-to-device copies, fills, event
// timing, refusal of foreign buffers, and disposal in either order.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

[Backend(AcceleratorKind.Cuda)]
public sealed class CudaAcceleratorTests(ITestOutputHelper output)
{
    private readonly TestRandom _rng = new(output);

    [BackendFact]
    public void CopiesRoundTripAtOffsetsForEveryElementType()
    {
        using var cuda = Accelerators.Create(AcceleratorKind.Cuda);
        foreach (int n in new[] { 1, 7, 4099 })
        {
            int offset = _rng.Ints(1, 37)[0];
            RoundTrip(cuda, _rng.Uniform(n, -3, 3), offset);
            RoundTrip(cuda, _rng.Ints(n, int.MaxValue), offset);
            RoundTrip(cuda, _rng.Bytes(n), offset);
            RoundTrip(cuda, Array.ConvertAll(_rng.Ints(n, int.MaxValue), v => (uint)v * 2u + 1u), offset);
        }
    }

    private void RoundTrip<T>(Accelerator cuda, T[] data, int offset) where T : unmanaged, IEquatable<T>
    {
        using var buffer = cuda.Allocate<T>(data.Length + offset + 5);
        using var copy = cuda.Allocate<T>(data.Length + 3);
        cuda.CopyFromHost<T>(data, buffer.Slice(offset, data.Length));
        cuda.Copy(buffer.Slice(offset, data.Length), copy.Slice(3, data.Length));
        var back = cuda.ToArray(copy.Slice(3, data.Length));
        int bad = FirstDifference(data, back);
        Assert.True(bad < 0, $"{typeof(T).Name}[{data.Length}] at offset {offset}: element {bad} came back as "
            + $"{(bad >= 0 ? back[bad] : default)}, sent {(bad >= 0 ? data[bad] : default)} (seed {_rng.Seed})");
    }

    private static int FirstDifference<T>(T[] a, T[] b) where T : IEquatable<T>
    {
        for (int i = 0; i < a.Length; i++)
            if (!a[i].Equals(b[i])) return i;
        return -1;
    }

    [BackendFact]
    public void FillWritesOnlyItsView()
    {
        using var cuda = Accelerators.Create(AcceleratorKind.Cuda);
        var data = _rng.Uniform(1000, -1, 1);
        using var buffer = cuda.Upload<float>(data);
        float value = _rng.Uniform(1, 1, 2)[0];
        cuda.Fill(buffer.Slice(13, 501), value);
        var back = cuda.ToArray(buffer.View);
        for (int i = 0; i < back.Length; i++)
            Assert.True(back[i] == (i >= 13 && i < 514 ? value : data[i]), $"element {i}: {back[i]} (seed {_rng.Seed})");
    }

    [BackendFact]
    public void EventTimingMeasuresTheWork()
    {
        using var cuda = (CudaAccelerator)Accelerators.Create(AcceleratorKind.Cuda);
        int n = 1024;
        using var a = cuda.Upload<float>(_rng.Uniform(n * n, -1, 1));
        using var c = cuda.Allocate<float>(n * n);
        double one = cuda.MeasureMilliseconds(() => cuda.Gemm(GemmLayout.NN, n, n, n, a, a, c));
        double four = cuda.MeasureMilliseconds(() =>
        {
            for (int i = 0; i < 4; i++) cuda.Gemm(GemmLayout.NN, n, n, n, a, a, c);
        });
        output.WriteLine($"1024^3 GEMM: {one:F3} ms once, {four:F3} ms four times");
        Assert.True(one > 0 && four > one, $"event times {one} ms and {four} ms");
    }

    [BackendFact]
    public void ForeignBuffersAreRefused()
    {
        using var cuda = Accelerators.Create(AcceleratorKind.Cuda);
        using var cpu = Accelerators.Create(AcceleratorKind.Cpu);
        using var mine = cuda.Allocate<float>(8);
        using var theirs = cpu.Allocate<float>(8);
        Assert.Throws<ArgumentException>(() => cuda.ActivationForward(Activation.Relu, theirs, mine, 8));
        Assert.Throws<ArgumentException>(() => cuda.Copy(theirs.View, mine.View));
    }

    [BackendFact]
    public void BuffersMayOutliveTheirAccelerator()
    {
        var cuda = Accelerators.Create(AcceleratorKind.Cuda);
        var buffer = cuda.Allocate<float>(16);
        cuda.Dispose();
        buffer.Dispose(); // the context already freed it: no call to a released context
        Assert.True(buffer.IsDisposed);
    }
}
