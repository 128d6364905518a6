// Graceful absence: on a machine without the NVIDIA driver or a device, the probe gives ILGPU's reason,
// Create throws AcceleratorUnavailableException with that same sentence (which the runner prints as its
// one line), and nothing throws anything else. On a GPU machine the same tests check that the probe's
// devices can be created. No toolkit is needed: ILGPU generates the PTX itself.
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
            var error = Assert.Throws<AcceleratorUnavailableException>(() =>
                Accelerators.Create(AcceleratorKind.Cuda));
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

    /// <summary>The OS's own answer (not ILGPU's): can the driver library be loaded at all?</summary>
    private static readonly string[] DriverLibraries = ["libcuda.so.1", "libcuda.so", "nvcuda.dll"];

    [Fact]
    public void MissingDriverIsNamed()
    {
        bool hasDriver = DriverLibraries.Any(name =>
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) return false;
            NativeLibrary.Free(handle);
            return true;
        });
        var probe = CudaAccelerator.Probe();
        output.WriteLine($"driver library loadable: {hasDriver}; probe: {probe.Unavailable ?? "devices"}");
        if (hasDriver)
        {
            Assert.DoesNotContain("no NVIDIA driver library", probe.Unavailable ?? "");
            return;
        }
        Assert.Equal("ILGPU: Cuda is not supported on this platform (no NVIDIA driver library libcuda)",
            probe.Unavailable);
    }

    [Fact]
    public void BadDeviceIndexIsAClearError()
    {
        var probe = CudaAccelerator.Probe();
        var error = Assert.Throws<AcceleratorUnavailableException>(() =>
            CudaAccelerator.Create(probe.Devices.Count + 3));
        if (probe.Unavailable is null)
            Assert.Contains($"no CUDA device {probe.Devices.Count + 3}", error.Message);
        else
            Assert.Equal(probe.Unavailable, error.Message);
    }

    [Fact]
    public void EmulatedBackendIsNotListedAsADevice()
    {
        // The ILGPU CPU accelerator is a test backend: `devices` must never offer it as a CUDA device.
        var cuda = Accelerators.Probe().Single(p => p.Kind == AcceleratorKind.Cuda);
        Assert.DoesNotContain(cuda.Devices, d => d.Vendor == "ILGPU");
        using var emulated = CudaAccelerator.CreateEmulated();
        Assert.True(emulated.IsEmulated);
        Assert.Equal("ILGPU", emulated.Info.Vendor);
    }
}
