// The self-test that GPU owners run, exercised here on what this machine has: against cpu itself
// (plumbing), on OpenCL where a device exists (a real second backend), and on cuda where there is
// none (exit code 2 and one line saying what is missing). Its comparison rule is checked to fail.
using System.Text.RegularExpressions;
using VaeGpu.Kernels;
using VaeGpu.Runner.SelfTest;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

public sealed class GpuSelfTestTests(ITestOutputHelper output)
{
    private static readonly GemmShape[] SmallShapes = [new(GemmLayout.NT, 33, 65, 129, "small")];

    private (int Code, string Out, string Err) Run(SelfTestOptions options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = GpuSelfTest.Run(options, stdout, stderr);
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void CpuAgainstCpuPassesEveryCheckAndTimesGemm()
    {
        var (code, stdout, _) = Run(new SelfTestOptions
        {
            Kind = AcceleratorKind.Cpu,
            GemmShapes = SmallShapes,
            Epoch = acc => new EpochReport(123.456, TimeSpan.FromSeconds(acc.Kind == AcceleratorKind.Cpu ? 2 : 1)),
        });
        Assert.Equal(0, code);
        Assert.DoesNotContain("FAIL", stdout);
        Assert.Matches(new Regex(@"small NT 33x65x129\s+[0-9.]+\s+[0-9.]+"), stdout);
        Assert.Contains("test losses agree", stdout);
        Assert.Contains("self-test PASSED", stdout);
    }

    [Fact]
    public void MissingCudaIsOneLineAndExitCode2()
    {
        var probe = Accelerators.Probe().Single(p => p.Kind == AcceleratorKind.Cuda);
        if (probe.Unavailable is null) return; // a GPU machine: the Cuda conformance tests cover it
        var (code, stdout, stderr) = Run(new SelfTestOptions { Kind = AcceleratorKind.Cuda });
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"selftest: cuda is not available: {probe.Unavailable}", stderr.TrimEnd('\n'));
    }

    [Fact]
    public void DisagreeingEpochLossesFail()
    {
        int calls = 0; // the target trains first, then the cpu
        var (code, stdout, _) = Run(new SelfTestOptions
        {
            Kind = AcceleratorKind.Cpu,
            CheckOps = false,
            GemmShapes = [],
            Epoch = _ => new EpochReport(calls++ == 0 ? 100 : 90, TimeSpan.FromSeconds(1)),
        });
        Assert.Equal(1, code);
        Assert.Contains("DISAGREE", stdout);
    }

    [Fact]
    public void ComparisonFailsOnAWrongValueAndNamesIt()
    {
        var rng = new TestRandom(output);
        var want = rng.Uniform(101, -1, 1);
        var got = (float[])want.Clone();
        int bad = rng.Ints(1, 101)[0];
        got[bad] += 1e-3f;
        var result = OpChecks.Compare("probe", got, want, 1e-6, 1e-5);
        Assert.False(result.Passed);
        Assert.Equal(bad, result.MaxIndex);
        Assert.True(OpChecks.Compare("probe", want, want, 0, 0).Passed);
        got[bad] = float.NaN;
        Assert.False(OpChecks.Compare("probe", got, want, 1, 1).Passed);
        Assert.False(OpChecks.Compare("probe", got, want[..100], 1, 1).Passed);
    }
}

[Backend(AcceleratorKind.OpenCL)]
public sealed class GpuSelfTestOpenCLTests(ITestOutputHelper output)
{
    [BackendFact]
    public void OpenCLAgreesWithCpuOpByOp()
    {
        var stdout = new StringWriter();
        int code = GpuSelfTest.Run(new SelfTestOptions
        {
            Kind = AcceleratorKind.OpenCL,
            GemmShapes = [new(GemmLayout.NN, 64, 64, 64, "small")],
        }, stdout, stdout);
        output.WriteLine(stdout.ToString());
        Assert.True(code == 0, stdout.ToString());
    }
}
