// Checks that the backend skip mechanism really skips an absent backend with the probe's reason and
// really runs a present one, by building the same test cases the discoverers build.
using VaeGpu.Kernels;
using Xunit.Sdk;

namespace VaeGpu.Tests.Support;

public sealed class BackendSkipTests
{
    [Backend(AcceleratorKind.Cpu)]
    public abstract class OnCpu { [BackendFact] public void Probe() { } }

    [Backend(AcceleratorKind.OpenCL)]
    public abstract class OnOpenCL
    {
        [BackendFact] public void Probe() { }

        [BackendTheory, InlineData(1)] public void Rows(int row) => Assert.Equal(1, row);
    }

    [Backend(AcceleratorKind.Cuda)]
    public abstract class OnCuda { [BackendFact] public void Probe() { } }

    public abstract class Unmarked { [BackendFact] public void Probe() { } }

    private static string? SkipReasonOf(Type testClass)
    {
        var assembly = new TestAssembly(Reflector.Wrap(testClass.Assembly));
        var collection = new TestCollection(assembly, null, "backend skip probe");
        var method = new TestMethod(new TestClass(collection, Reflector.Wrap(testClass)),
            Reflector.Wrap(testClass.GetMethod("Probe")!));
        var testCase = new BackendTestCase(new NullMessageSink(), TestMethodDisplay.ClassAndMethod,
            TestMethodDisplayOptions.None, method);
        return testCase.SkipReason;
    }

    private static string? ProbeReason(AcceleratorKind kind)
    {
        var probe = Accelerators.Probe().Single(p => p.Kind == kind);
        return probe.Unavailable ?? (probe.Devices.Count == 0 ? "no devices" : null);
    }

    [Fact]
    public void TheoriesEnumeratedAtRunTimeSkipToo()
    {
        // The path xunit takes for theories whose data cannot be serialized at discovery.
        var assembly = new TestAssembly(Reflector.Wrap(typeof(OnOpenCL).Assembly));
        var collection = new TestCollection(assembly, null, "backend skip probe");
        var method = new TestMethod(new TestClass(collection, Reflector.Wrap(typeof(OnOpenCL))),
            Reflector.Wrap(typeof(OnOpenCL).GetMethod(nameof(OnOpenCL.Rows))!));
        var testCase = new BackendTheoryTestCase(new NullMessageSink(), TestMethodDisplay.ClassAndMethod,
            TestMethodDisplayOptions.None, method);
        Assert.Equal(BackendAvailability.UnavailableReason(AcceleratorKind.OpenCL), testCase.SkipReason);
    }

    [Fact]
    public void CpuTestsRun() => Assert.Null(SkipReasonOf(typeof(OnCpu)));

    [Fact]
    public void UnmarkedClassesRun() => Assert.Null(SkipReasonOf(typeof(Unmarked)));

    [Theory]
    [InlineData(AcceleratorKind.OpenCL)]
    [InlineData(AcceleratorKind.Cuda)]
    public void GpuTestsSkipExactlyWhenTheProbeSaysSo(AcceleratorKind kind)
    {
        string? reason = SkipReasonOf(kind == AcceleratorKind.OpenCL ? typeof(OnOpenCL) : typeof(OnCuda));
        string? probe = ProbeReason(kind);
        if (probe is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.NotNull(reason);
            Assert.Contains(probe, reason);
        }
    }
}

/// <summary>
/// Runs through the real discoverer: it shows up as skipped, with the probe's reason, while OpenCL
/// is absent, and creates a device and round-trips data through it once OpenCL is there.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLSkipCanaryTests
{
    [BackendFact]
    public void DeviceCreatesAndCopies()
    {
        using var accelerator = Accelerators.Create(AcceleratorKind.OpenCL);
        float[] data = [1.5f, -2.25f, 3];
        using var buffer = accelerator.Upload<float>(data);
        Assert.Equal(data, accelerator.ToArray(buffer.View));
    }
}
