// Graceful absence: on a machine without the driver, a device or NVRTC, the probe names what is
// missing, Create throws AcceleratorUnavailableException with that same sentence (which the runner
// prints as its one line), and nothing throws anything else. On a GPU machine the same tests check
// that the probe's devices can be created.
using System.Runtime.InteropServices;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

public sealed class CudaProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void ProbeAndCreateAgree()
    {
        var probe = CudaAccelerator.Probe();
        output.WriteLine(probe.Unavailable ?? string.Join("\n", probe.Devices));
        Assert.Equal(AcceleratorKind.Cuda, probe.Kind);
        if (probe.Unavailable is not null)
        {
            Assert.Empty(probe.Devices);
            var error = Assert.Throws<AcceleratorUnavailableException>(() => Accelerators.Create(AcceleratorKind.Cuda));
            Assert.Equal(probe.Unavailable, error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
        else
        {
            Assert.NotEmpty(probe.Devices);
            using var cuda = Accelerators.Create(AcceleratorKind.Cuda, probe.Devices.Count - 1);
            Assert.Equal(AcceleratorKind.Cuda, cuda.Kind);
            Assert.Equal(probe.Devices[^1].Name, cuda.Info.Name);
        }
    }

    [Fact]
    public void MissingDriverIsNamed()
    {
        // Independent of our loader: ask the OS whether the driver library is there at all.
        bool hasDriver = CuApi.LibraryNames.Any(name =>
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) return false;
            NativeLibrary.Free(handle);
            return true;
        });
        var probe = CudaAccelerator.Probe();
        if (hasDriver)
        {
            Assert.DoesNotContain("no NVIDIA driver", probe.Unavailable ?? "");
            return;
        }
        Assert.NotNull(probe.Unavailable);
        Assert.StartsWith($"no NVIDIA driver: {CuApi.LibraryNames[0]} not found", probe.Unavailable);
    }

    [Fact]
    public void BadDeviceIndexIsAClearError()
    {
        var probe = CudaAccelerator.Probe();
        var error = Assert.Throws<AcceleratorUnavailableException>(() => CudaAccelerator.Create(probe.Devices.Count + 3));
        if (probe.Unavailable is null)
            Assert.Contains($"no CUDA device {probe.Devices.Count + 3}", error.Message);
        else
            Assert.Equal(probe.Unavailable, error.Message);
    }

    [Fact]
    public void AcceleratorsProbeListsCuda()
    {
        var cuda = Accelerators.Probe().Single(p => p.Kind == AcceleratorKind.Cuda);
        Assert.True(cuda.Unavailable is not null || cuda.Devices.Count > 0);
        Assert.Equal(CudaAccelerator.Probe().Unavailable, cuda.Unavailable);
    }
}
