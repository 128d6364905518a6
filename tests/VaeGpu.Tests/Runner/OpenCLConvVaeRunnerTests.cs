// Issue 16's PoCL check on a smaller training set: the default conv VAE (MNIST, --arch conv, seed 1) on
// opencl must end within 1% of the same run on cpu. The issue's --limit 5000 run costs about two minutes
// of CPU time on PoCL (measured: 118 s), too long for the suite, so this runs --limit 1000 (64 s; the
// 10,000 test images are still evaluated after each epoch); the full run's numbers are in
// benchmarks/README.md section 7.
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

/// <summary>The conv VAE trained on opencl and on cpu: final train and test losses within 1%.</summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLConvVaeRunnerTests(ITestOutputHelper output)
{
    [BackendFact]
    public void ConvVaeOnOpenCLEndsWithinOnePercentOfCpu()
    {
        Assert.Null(TestData.UnavailableReason("mnist"));
        string mnist = RunnerHarness.DataDir("mnist");
        var last = new Dictionary<string, string[]>();
        foreach (var accelerator in new[] { "cpu", "opencl" })
        {
            using var temp = new TempFolder("conv-vae-" + accelerator);
            string dir = temp.Path;
            var result = RunnerHarness.Run("--arch", "conv", "--limit", "1000", "--epochs", "2", "--seed",
                "1", "--data-dir", mnist, "--accelerator", accelerator, "--out", dir, "--quiet");
            Assert.True(result.Code == 0, result.ToString());
            output.WriteLine($"{accelerator}: {result.OutLines[^1]}");
            var lines = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
            Assert.Equal(3, lines.Length); // header and two epochs
            last[accelerator] = lines[^1].Split(',');
        }
        foreach (var (column, name) in new[] { (1, "train_loss"), (4, "test_loss") })
        {
            double cpu = double.Parse(last["cpu"][column], CultureInfo.InvariantCulture);
            double cl = double.Parse(last["opencl"][column], CultureInfo.InvariantCulture);
            string what = $"epoch 2 {name}: opencl {cl:R}, cpu {cpu:R}";
            output.WriteLine($"{what}, relative difference {Math.Abs(cl - cpu) / cpu:P4}");
            Assert.True(double.IsFinite(cl) && double.IsFinite(cpu), what);
            Assert.True(Math.Abs(cl - cpu) <= 0.01 * Math.Abs(cpu), what);
        }
    }
}
