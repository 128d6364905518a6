// The OpenCL backend's own behaviour: device listing, error names, build failures with their log,
// hand-written programs through LoadModule, buffers and copies, and Philox bit-for-bit with the host.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.OpenCL;
using VaeGpu.Kernels.Random;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.OpenCL;

[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLBackendTests(ITestOutputHelper output)
{
    [Fact]
    public void ErrorNamesFollowTheCConstants()
    {
        Assert.Equal("CL_SUCCESS (0)", ClStatusNames.Describe(ClStatus.Success));
        Assert.Equal("CL_BUILD_PROGRAM_FAILURE (-11)", ClStatusNames.Describe((ClStatus)(-11)));
        Assert.Equal("CL_INVALID_KERNEL_ARGS (-52)", ClStatusNames.Describe((ClStatus)(-52)));
        Assert.Equal("CL_INVALID_GL_OBJECT (-60)", ClStatusNames.Describe(ClStatus.InvalidGlObject));
        Assert.Equal("CL_PLATFORM_NOT_FOUND_KHR (-1001)", ClStatusNames.Describe((ClStatus)(-1001)));
        Assert.Equal("unknown OpenCL status -123", ClStatusNames.Describe((ClStatus)(-123)));
        // Every code of OpenCL 1.0-3.0 from -72 to 0 that the headers define has a name.
        int[] gaps = [-20, -21, -22, -23, -24, -25, -26, -27, -28, -29];
        for (int code = -72; code <= 0; code++)
            if (!gaps.Contains(code)) Assert.True(Enum.IsDefined((ClStatus)code),
                $"code {code} has no name");
    }

    [Fact]
    public void ThrowIfFailedNamesTheCallAndTheCode()
    {
        var status = ClStatus.InvalidMemObject;
        var e = Assert.Throws<OpenCLException>(() => OpenCLException.ThrowIfFailed(status));
        Assert.Contains("status", e.Message);
        Assert.Contains("CL_INVALID_MEM_OBJECT (-38)", e.Message);
        Assert.Equal(ClStatus.InvalidMemObject, e.Status);
        OpenCLException.ThrowIfFailed(ClStatus.Success);
    }

    [Fact]
    public void ProbeListsDevicesOrSaysWhyNot()
    {
        var probe = OpenCLAccelerator.Probe();
        output.WriteLine(probe.Unavailable ?? string.Join("\n", probe.Devices.Select(d =>
            $"{d.Index}: {d.Name} [{d.Details}]")));
        if (probe.Unavailable is not null)
        {
            Assert.Empty(probe.Devices);
            Assert.False(string.IsNullOrWhiteSpace(probe.Unavailable));
            return;
        }
        Assert.NotEmpty(probe.Devices);
        for (int i = 0; i < probe.Devices.Count; i++)
        {
            var info = probe.Devices[i];
            Assert.Equal(i, info.Index);
            Assert.Equal(AcceleratorKind.OpenCL, info.Kind);
            Assert.False(string.IsNullOrWhiteSpace(info.Name));
            Assert.True(info.MemoryBytes > 0 && info.ComputeUnits > 0, $"{info}");
        }
    }

    [BackendFact]
    public void CreateRejectsAMissingDeviceWithTheList()
    {
        int count = OpenCLAccelerator.Probe().Devices.Count;
        var e = Assert.Throws<AcceleratorUnavailableException>(() => OpenCLAccelerator.Create(count));
        Assert.Contains($"OpenCL device {count} does not exist", e.Message);
        Assert.Throws<AcceleratorUnavailableException>(() => OpenCLAccelerator.Create(-1));
        using var accelerator = Accelerators.Create(AcceleratorKind.OpenCL, 0);
        Assert.StartsWith("opencl:0 (", accelerator.Name);
    }

    [BackendFact]
    public void BuildFailureThrowsWithTheBuildLog()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        const string broken = "__kernel void Broken(__global float* x) { x[0] = undeclared_name_42; }";
        var kernels = new[]
        {
            new KernelSource(0, "Broken", "", [new("x", KernelParameterKind.FloatBuffer)], false),
        };
        var e = Assert.Throws<OpenCLException>(() => accelerator.LoadModule(broken, kernels));
        output.WriteLine(e.Message);
        Assert.Equal(ClStatus.BuildProgramFailure, e.Status);
        Assert.Contains("CL_BUILD_PROGRAM_FAILURE", e.Message);
        Assert.Contains("undeclared_name_42",
            e.Message); // the compiler's log names the offending identifier
    }

    [BackendFact]
    public void HandWrittenProgramRunsThroughTheLauncherWithOffsets()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        // The generator's calling convention: each buffer is (pointer, element offset).
        const string program = """
            __kernel void Axpy(__global float* y_ptr, int y_off, __global const float* x_ptr, int x_off,
                               int n, float alpha)
            {
                __global float* y = y_ptr + y_off;
                __global const float* x = x_ptr + x_off;
                int i = get_global_id(0);
                if (i < n) y[i] = y[i] + alpha * x[i];
            }
            """;
        KernelParameter[] parameters =
        [
            new("y", KernelParameterKind.FloatBuffer), new("x", KernelParameterKind.FloatBuffer),
            new("n", KernelParameterKind.Int), new("alpha", KernelParameterKind.Float),
        ];
        var module = accelerator.LoadModule(program,
            [new KernelSource(7, "Axpy", program, parameters, false)]);
        Assert.Same(module, accelerator.LoadModule(program,
            [new KernelSource(7, "Axpy", program, parameters, false)]));
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        const int n = 37, yOffset = 5, xOffset = 11;
        var x = Enumerable.Range(0, n + xOffset).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var y = Enumerable.Range(0, n + yOffset + 3).Select(_ => random.NextSingle() - 0.5f).ToArray();
        using var xBuffer = accelerator.Upload<float>(x);
        using var yBuffer = accelerator.Upload<float>(y);
        float alpha = 1.75f;
        module.Begin(7);
        module.SetBuffer(0, yBuffer.Slice(yOffset, n));
        module.SetBuffer(1, xBuffer.Slice(xOffset, n));
        module.SetInt(2, n);
        module.SetFloat(3, alpha);
        module.Launch(LaunchDims.Cover(n, 16));
        var result = accelerator.ToArray(yBuffer.View);
        for (int i = 0; i < y.Length; i++)
        {
            // The device may contract y + alpha x into one fma, so compare with float64 at float rounding.
            bool inView = i >= yOffset && i < yOffset + n;
            double expected = inView ? y[i] + (double)alpha * x[i - yOffset + xOffset] : y[i];
            Assert.True(Math.Abs(result[i] - expected) <= 1e-6 + 1e-6 * Math.Abs(expected),
                $"element {i}: expected {expected}, got {result[i]}");
        }
        // Misuse is reported with the kernel and parameter names.
        module.Begin(7);
        Assert.Throws<ArgumentException>(() => module.SetInt(0, 1));
        module.SetBuffer(0, yBuffer.View);
        var e = Assert.Throws<InvalidOperationException>(() => module.Launch(LaunchDims.Cover(n, 16)));
        Assert.Contains("Axpy: parameter x was not set", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => module.Begin(3));
    }

    [BackendFact]
    public void CopiesRoundTripEveryElementType()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        var random = new Random(Random.Shared.Next());
        var bytes = new byte[1001];
        random.NextBytes(bytes);
        using var byteBuffer = accelerator.Upload<byte>(bytes);
        Assert.Equal(bytes, accelerator.ToArray(byteBuffer.View));
        Assert.Equal(bytes.AsSpan(3, 17).ToArray(), accelerator.ToArray(byteBuffer.Slice(3, 17)));
        var ints = Enumerable.Range(0, 97).Select(_ => random.Next()).ToArray();
        using var intBuffer = accelerator.Upload<int>(ints);
        using var intCopy = accelerator.Allocate<int>(200);
        accelerator.Copy(intBuffer.Slice(1, 90), intCopy.Slice(50, 90));
        Assert.Equal(ints.AsSpan(1, 90).ToArray(), accelerator.ToArray(intCopy.Slice(50, 90)));
        using var floats = accelerator.Allocate<float>(13);
        accelerator.Fill(floats.View, -2.5f);
        accelerator.Fill(floats.Slice(4, 3), 7f);
        var filled = accelerator.ToArray(floats.View);
        for (int i = 0; i < 13; i++) Assert.Equal(i >= 4 && i < 7 ? 7f : -2.5f, filled[i]);
    }

    [BackendFact]
    public void PhiloxWordsMatchTheHostBitForBit()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        ulong seed = (ulong)Random.Shared.NextInt64(), stream = (ulong)Random.Shared.NextInt64();
        output.WriteLine($"seed {seed} stream {stream}");
        const int blocks = 1031;
        using var words = accelerator.Allocate<uint>(4 * blocks);
        accelerator.PhiloxWords(words.View, blocks, seed, stream);
        var device = accelerator.ToArray(words.View);
        for (int block = 0; block < blocks; block++)
        {
            var (x0, x1, x2, x3) = Philox.Generate((uint)block, 0, (uint)stream, (uint)(stream >> 32),
                (uint)seed, (uint)(seed >> 32));
            uint[] host = [x0, x1, x2, x3];
            for (int word = 0; word < 4; word++)
                Assert.True(host[word] == device[4 * block + word],
                    $"block {block} word {word}: host 0x{host[word]:X8}, "
                    + $"device 0x{device[4 * block + word]:X8}");
        }
    }

    [BackendFact]
    public void NormalsMatchTheHostMapping()
    {
        using var accelerator = OpenCLAccelerator.Create(0);
        ulong seed = (ulong)Random.Shared.NextInt64(), stream = (ulong)Random.Shared.Next(1000);
        output.WriteLine($"seed {seed} stream {stream}");
        const int n = 4099;
        using var normals = accelerator.Allocate<float>(n + 2);
        accelerator.Fill(normals.View, 123f);
        accelerator.FillNormal(normals.Slice(1, n), n, seed, stream);
        var device = accelerator.ToArray(normals.View);
        var host = new float[n];
        Philox.FillNormal(host, seed, stream);
        Assert.Equal(123f, device[0]);
        Assert.Equal(123f, device[n + 1]);
        double maxDiff = 0;
        for (int i = 0; i < n; i++)
        {
            // The words are bit-exact (test above); log/cos/sin may differ by a few ulp between math
            // libraries.
            double diff = Math.Abs(device[i + 1] - host[i]);
            maxDiff = Math.Max(maxDiff, diff);
            Assert.True(diff <= 1e-5 + 1e-5 * Math.Abs(host[i]),
                $"normal {i}: host {host[i]}, device {device[i + 1]}");
        }
        output.WriteLine($"max |device - host| = {maxDiff:E3}");
    }
}
