// How the construct tests run a test kernel: on ILGPU's CPU accelerator (the C# kernel compiled from IL,
// GPU threads emulated: the C# semantics) or as translated OpenCL C on a real OpenCL device (PoCL in CI).
// Arrays go in, results come back in place; each buffer argument is a view starting at an offset, so the
// view + offset path of each backend is exercised.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.OpenCL;
using TestsGenerated = VaeGpu.Tests.Generated.GeneratedKernels;

namespace VaeGpu.Tests.Translator;

/// <summary>Buffer arguments for the launch helper: device copy of array i, viewed from its offset.</summary>
public sealed class ViewArgs(object[] buffers, int[] offsets)
{
    public BufferView<float> F(int i) => View<float>(i);
    public BufferView<int> I(int i) => View<int>(i);
    public BufferView<uint> U(int i) => View<uint>(i);
    public BufferView<byte> B(int i) => View<byte>(i);

    private BufferView<T> View<T>(int i) where T : unmanaged
    {
        var buffer = (DeviceBuffer<T>)buffers[i];
        return buffer.Slice(offsets[i], buffer.Length - offsets[i]);
    }
}

/// <summary>Runs one test kernel over arrays (results written back into them).</summary>
public abstract class KernelBackend
{
    /// <summary>Runs the kernel named <paramref name="name"/> through its launch helper.</summary>
    public abstract void Run(string name, LaunchDims dims, Array[] arrays, int[] offsets,
        Action<IKernelLauncher, ViewArgs> device);

    /// <summary>Uploads the arrays, launches, and copies every buffer back into its array.</summary>
    protected static void RunOn(Accelerator accelerator, IKernelLauncher launcher, Array[] arrays,
        int[] offsets, Action<IKernelLauncher, ViewArgs> device)
    {
        var buffers = arrays.Select(a => Upload(accelerator, a)).ToArray();
        try
        {
            device(launcher, new ViewArgs(buffers, offsets));
            for (int i = 0; i < arrays.Length; i++) Download(accelerator, buffers[i], arrays[i]);
        }
        finally
        {
            foreach (var buffer in buffers) ((IDisposable)buffer).Dispose();
        }
    }

    // By exact type: the runtime lets a uint[] pass as an int[] in a pattern match.
    private static object Upload(Accelerator accelerator, Array array) => array.GetType() switch
    {
        Type t when t == typeof(float[]) => accelerator.Upload<float>((float[])array),
        Type t when t == typeof(int[]) => accelerator.Upload<int>((int[])array),
        Type t when t == typeof(uint[]) => accelerator.Upload<uint>((uint[])array),
        Type t when t == typeof(byte[]) => accelerator.Upload<byte>((byte[])array),
        _ => throw new ArgumentException($"unsupported test array {array.GetType()}"),
    };

    private static void Download(Accelerator accelerator, object buffer, Array into)
    {
        Array result = buffer switch
        {
            DeviceBuffer<float> f => accelerator.ToArray(f.View),
            DeviceBuffer<int> n => accelerator.ToArray(n.View),
            DeviceBuffer<uint> u => accelerator.ToArray(u.View),
            DeviceBuffer<byte> b => accelerator.ToArray(b.View),
            _ => throw new ArgumentException($"unsupported buffer {buffer.GetType()}"),
        };
        Array.Copy(result, into, into.Length);
    }
}

/// <summary>ILGPU's CPU accelerator (GPU-shaped groups): the kernels' C# semantics, compiled from IL.</summary>
public sealed class IlgpuCpuBackend : KernelBackend, IDisposable
{
    private readonly CudaAccelerator _accelerator = CudaAccelerator.CreateEmulated();
    private readonly IKernelLauncher _launcher;

    public IlgpuCpuBackend() =>
        _launcher = _accelerator.LoadModule(TestsGenerated.All, TestsGenerated.IlgpuBindings);

    public override void Run(string name, LaunchDims dims, Array[] arrays, int[] offsets,
        Action<IKernelLauncher, ViewArgs> device)
    {
        lock (_accelerator) RunOn(_accelerator, _launcher, arrays, offsets, device);
    }

    public void Dispose() => _accelerator.Dispose();
}

/// <summary>
/// The translated OpenCL C on device 0; every run also goes through ILGPU's CPU accelerator on a copy of
/// the inputs, and the two results must agree (bit for bit for integers, to 2e-6 relative for floats).
/// </summary>
public sealed class OpenCLBackend : KernelBackend, IDisposable
{
    private static readonly Lazy<IlgpuCpuBackend> Ilgpu = new(() => new IlgpuCpuBackend());
    private readonly Accelerator _accelerator = OpenCLAccelerator.Create(0);

    public override void Run(string name, LaunchDims dims, Array[] arrays, int[] offsets,
        Action<IKernelLauncher, ViewArgs> device)
    {
        var reference = arrays.Select(a => (Array)a.Clone()).ToArray();
        Ilgpu.Value.Run(name, dims, reference, offsets, device);
        var module = ((OpenCLAccelerator)_accelerator)
            .LoadModule(TestsGenerated.OpenCLProgram, TestsGenerated.All);
        RunOn(_accelerator, module, arrays, offsets, device);
        for (int i = 0; i < arrays.Length; i++) AssertSame(name, i, reference[i], arrays[i]);
    }

    private static void AssertSame(string kernel, int index, Array reference, Array device)
    {
        if (reference is float[] r && device is float[] d)
        {
            Compare.Close($"{kernel} argument {index}: OpenCL vs ILGPU's CPU accelerator",
                r.Select(v => (double)v).ToArray(), d, atol: 2e-6, rtol: 2e-6);
            return;
        }
        for (int i = 0; i < reference.Length; i++)
        {
            if (!Equals(reference.GetValue(i), device.GetValue(i)))
                Assert.Fail($"{kernel} argument {index}: OpenCL {device.GetValue(i)} != ILGPU CPU " +
                    $"{reference.GetValue(i)} at [{i}] (first difference)");
        }
    }

    public void Dispose() => _accelerator.Dispose();
}

/// <summary>Tolerance checks that report the first bad values, the largest difference, its index.</summary>
public static class Compare
{
    public static void Close(string what, double[] expected, float[] actual, double atol, double rtol,
        int offset = 0)
    {
        var bad = new List<string>();
        double maxDiff = 0;
        int maxAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double a = actual[offset + i], r = expected[i], diff = Math.Abs(a - r);
            bool ok = diff <= atol + rtol * Math.Abs(r) || (double.IsNaN(r) && double.IsNaN(a));
            if (diff > maxDiff || double.IsNaN(diff)) (maxDiff, maxAt) = (diff, i);
            if (!ok && bad.Count < 5) bad.Add($"[{i}] {a:R} vs {r:R}");
        }
        if (bad.Count > 0)
            Assert.Fail($"{what}: {string.Join(", ", bad)}; max |diff| {maxDiff:G4} at [{maxAt}] " +
                $"(atol {atol}, rtol {rtol}, {expected.Length} values)");
    }

    public static void Equal<T>(string what, T[] expected, T[] actual, int offset = 0)
    {
        for (int i = 0; i < expected.Length; i++)
            if (!EqualityComparer<T>.Default.Equals(expected[i], actual[offset + i]))
                Assert.Fail($"{what}: [{i}] is {actual[offset + i]}, expected {expected[i]} " +
                    "(first difference)");
    }
}
