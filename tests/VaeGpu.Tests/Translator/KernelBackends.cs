// How the construct tests run a test kernel: the reference executor (C# semantics, always available) or
// the translated OpenCL C on a real OpenCL device (PoCL in CI). Arrays go in, results come back in place;
// each buffer argument is a view starting at an offset, so the base-pointer + offset path is exercised.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.OpenCL;
using TestsGenerated = VaeGpu.Tests.Generated.GeneratedKernels;

namespace VaeGpu.Tests.Translator;

/// <summary>Buffer arguments for the C# kernel: array i from its offset.</summary>
public sealed class BufArgs(Array[] arrays, int[] offsets)
{
    public Buf<float> F(int i) => new((float[])arrays[i], offsets[i]);
    public Buf<int> I(int i) => new((int[])arrays[i], offsets[i]);
    public Buf<uint> U(int i) => new((uint[])arrays[i], offsets[i]);
    public Buf<byte> B(int i) => new((byte[])arrays[i], offsets[i]);
}

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
    /// <summary>Runs the kernel named <paramref name="name"/> either in C# or on the device.</summary>
    public abstract void Run(string name, LaunchDims dims, Array[] arrays, int[] offsets,
        Action<KernelContext, BufArgs> csharp, Action<IKernelLauncher, ViewArgs> device);

    protected static KernelSource Source(string name) => TestsGenerated.All.Single(k => k.Name == name);
}

/// <summary>The reference executor.</summary>
public sealed class ReferenceBackend : KernelBackend
{
    public override void Run(string name, LaunchDims dims, Array[] arrays, int[] offsets,
        Action<KernelContext, BufArgs> csharp, Action<IKernelLauncher, ViewArgs> device)
    {
        var args = new BufArgs(arrays, offsets);
        ReferenceExecutor.Run(Source(name), dims, k => csharp(k, args));
    }
}

/// <summary>
/// The translated OpenCL C on device 0; every run also goes through the reference executor on a copy of
/// the inputs, and the two results must agree (bit for bit for integers, to 2e-6 relative for floats).
/// </summary>
public sealed class OpenCLBackend : KernelBackend, IDisposable
{
    private readonly Accelerator _accelerator = OpenCLAccelerator.Create(0);

    public override void Run(string name, LaunchDims dims, Array[] arrays, int[] offsets,
        Action<KernelContext, BufArgs> csharp, Action<IKernelLauncher, ViewArgs> device)
    {
        var reference = arrays.Select(a => (Array)a.Clone()).ToArray();
        new ReferenceBackend().Run(name, dims, reference, offsets, csharp, device);

        var module = ((OpenCLAccelerator)_accelerator)
            .LoadModule(TestsGenerated.OpenCLProgram, TestsGenerated.All);
        var buffers = arrays.Select(Upload).ToArray();
        try
        {
            device(module, new ViewArgs(buffers, offsets));
            for (int i = 0; i < arrays.Length; i++) Download(buffers[i], arrays[i]);
        }
        finally
        {
            foreach (var buffer in buffers) ((IDisposable)buffer).Dispose();
        }
        for (int i = 0; i < arrays.Length; i++) AssertSame(name, i, reference[i], arrays[i]);
    }

    // By exact type: the runtime lets a uint[] pass as an int[] in a pattern match.
    private object Upload(Array array) => array.GetType() switch
    {
        Type t when t == typeof(float[]) => _accelerator.Upload<float>((float[])array),
        Type t when t == typeof(int[]) => _accelerator.Upload<int>((int[])array),
        Type t when t == typeof(uint[]) => _accelerator.Upload<uint>((uint[])array),
        Type t when t == typeof(byte[]) => _accelerator.Upload<byte>((byte[])array),
        _ => throw new ArgumentException($"unsupported test array {array.GetType()}"),
    };

    private void Download(object buffer, Array into)
    {
        Array result = buffer switch
        {
            DeviceBuffer<float> f => _accelerator.ToArray(f.View),
            DeviceBuffer<int> n => _accelerator.ToArray(n.View),
            DeviceBuffer<uint> u => _accelerator.ToArray(u.View),
            DeviceBuffer<byte> b => _accelerator.ToArray(b.View),
            _ => throw new ArgumentException($"unsupported buffer {buffer.GetType()}"),
        };
        Array.Copy(result, into, into.Length);
    }

    private static void AssertSame(string kernel, int index, Array reference, Array device)
    {
        if (reference is float[] r && device is float[] d)
        {
            Compare.Close($"{kernel} argument {index}: OpenCL vs reference executor",
                r.Select(v => (double)v).ToArray(), d, atol: 2e-6, rtol: 2e-6);
            return;
        }
        for (int i = 0; i < reference.Length; i++)
        {
            if (!Equals(reference.GetValue(i), device.GetValue(i)))
                Assert.Fail($"{kernel} argument {index}: OpenCL {device.GetValue(i)} != reference executor " +
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
