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
            Epoch = _ => new EpochReport(123.456, TimeSpan.FromSeconds(2)),
        });
        Assert.Equal(0, code);
        Assert.DoesNotContain("FAIL", stdout);
        Assert.Matches(new Regex(@"small NT 33x65x129\s+[0-9.]+\s+[0-9.]+"), stdout);
        Assert.Contains("test losses agree", stdout);
        Assert.Contains("self-test PASSED", stdout);
    }

    [NoCudaFact]
    public void MissingCudaIsOneLineAndExitCode2()
    {
        var probe = Accelerators.Probe().Single(p => p.Kind == AcceleratorKind.Cuda);
        var (code, stdout, stderr) = Run(new SelfTestOptions { Kind = AcceleratorKind.Cuda });
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: selftest: cuda is not available: {probe.Unavailable}", stderr.TrimEnd('\n'));
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

    [DataFact("mnist")]
    public void EpochPartTrainsTheRealModelOnBothAccelerators()
    {
        // cpu against cpu on 256 MNIST images: the hook must run the runner's Trainer on each
        // accelerator it is given and report the same, finite test loss.
        var seen = new List<AcceleratorKind>();
        var hook = SelfTestEpoch.Create(() => TestData.Mnist, limit: 256);
        var (code, stdout, _) = Run(new SelfTestOptions
        {
            Kind = AcceleratorKind.Cpu,
            CheckOps = false,
            GemmShapes = [],
            Epoch = acc =>
            {
                seen.Add(acc.Kind);
                return hook(acc);
            },
        });
        Assert.Equal(0, code);
        Assert.Equal(2, seen.Count);
        var losses = Regex.Match(stdout, @"test loss\s+([0-9.]+)\s+([0-9.]+)");
        Assert.True(losses.Success, stdout);
        double loss = double.Parse(losses.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // After 2 Adam steps the VAE is far from trained but well below the ~543 nats of logits at 0.
        Assert.InRange(loss, 100, 543);
        Assert.Equal(losses.Groups[1].Value, losses.Groups[2].Value);
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

public sealed class SelfTestCommandTests
{
    [NoCudaFact]
    public void MissingCudaExitsWith2BeforeLoadingData()
    {
        var probe = Accelerators.Probe().Single(p => p.Kind == AcceleratorKind.Cuda);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        bool loaded = false;
        var command = SelfTestCommand.Create(stdout, stderr, _ =>
        {
            loaded = true;
            throw new InvalidOperationException("no data in this test");
        });
        int code = command.Parse(["--data-dir", "/nonexistent"]).Invoke();
        Assert.Equal(2, code);
        Assert.False(loaded);
        Assert.Equal($"error: selftest: cuda is not available: {probe.Unavailable}",
            stderr.ToString().TrimEnd('\n'));
    }

    [Fact]
    public void OptionsReachTheSelfTest()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var command = SelfTestCommand.Create(stdout, stderr,
            _ => throw new InvalidOperationException("unused"));
        // cpu against cpu without epoch and timing: parses, runs the op checks with the given seed, passes.
        string[] args = ["--accelerator", "cpu", "--seed", "12345", "--no-epoch", "--no-gemm"];
        int code = command.Parse(args).Invoke();
        Assert.True(code == 0, stdout.ToString() + stderr);
        Assert.Contains("seed 12345", stdout.ToString());
        Assert.Contains("not run (--no-epoch)", stdout.ToString());
    }
}

/// <summary>
/// A test of what happens without CUDA: skipped, saying so, on a machine where ILGPU sees a CUDA device
/// (there the Cuda conformance and self-test runs cover the backend instead).
/// </summary>
internal sealed class NoCudaFactAttribute : FactAttribute
{
    public NoCudaFactAttribute()
    {
        var probe = Accelerators.Probe().Single(p => p.Kind == AcceleratorKind.Cuda);
        if (probe.Unavailable is null)
            Skip = $"this machine has a CUDA device ({probe.Devices[0].Name}): the test is for machines "
                + "without one";
    }
}
