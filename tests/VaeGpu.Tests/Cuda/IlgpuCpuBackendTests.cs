// The CUDA backend's code (ILGPU kernels, ILGPU memory and launches) on ILGPU's CPU accelerator, where
// no GPU is needed: Philox words bit for bit against the cpu backend's host generator for 10^6
// counters, and one epoch of a VAE through the runner's Trainer against the cpu backend's test loss.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Random;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.SelfTest;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

public sealed class IlgpuCpuBackendTests(ITestOutputHelper output)
{
    [Fact]
    public void PhiloxWordsMatchTheCpuBackendForAMillionCounters()
    {
        const int blocks = 1_000_000;
        var rng = new TestRandom(output);
        ulong seed = rng.NextUInt64(), stream = rng.NextUInt64();
        using var accelerator = CudaAccelerator.CreateEmulated();
        using var words = accelerator.Allocate<uint>(4 * blocks);
        var clock = Stopwatch.StartNew();
        accelerator.PhiloxWords(words.View, blocks, seed, stream);
        var device = accelerator.ToArray(words.View);
        output.WriteLine($"{blocks} counters on {accelerator.Name} in {clock.Elapsed.TotalSeconds:F2} s");
        for (int block = 0; block < blocks; block++)
        {
            // The cpu backend's generator: the host Philox that FillNormal and Reparameterize use there.
            var (x0, x1, x2, x3) = Philox.Generate((uint)block, 0, (uint)stream, (uint)(stream >> 32),
                (uint)seed, (uint)(seed >> 32));
            if (x0 != device[4 * block] || x1 != device[4 * block + 1] || x2 != device[4 * block + 2]
                || x3 != device[4 * block + 3])
                Assert.Fail($"counter {block}: host {x0:X8} {x1:X8} {x2:X8} {x3:X8}, ILGPU "
                    + $"{device[4 * block]:X8} {device[4 * block + 1]:X8} {device[4 * block + 2]:X8} "
                    + $"{device[4 * block + 3]:X8} (seed {seed}, stream {stream}, test seed {rng.Seed})");
        }
    }

    [Fact]
    public void MeasureMillisecondsTimesTheEnqueuedWork()
    {
        // The self-test's GEMM timing on the CUDA backend uses ILGPU's profiling markers.
        using var accelerator = CudaAccelerator.CreateEmulated();
        using var x = accelerator.Allocate<float>(4099);
        double ms = accelerator.MeasureMilliseconds(() => accelerator.Fill(x.View, 2.5f));
        output.WriteLine($"Fill of 4099 on {accelerator.Name}: {ms:F3} ms");
        Assert.True(ms >= 0 && double.IsFinite(ms), $"measured {ms} ms");
        Assert.All(accelerator.ToArray(x.View), v => Assert.Equal(2.5f, v));
    }

    /// <summary>
    /// The runner's `--limit 512 --epochs 1` (seed 1, Adam, batch 128) through its Trainer, evaluated on
    /// the first 256 test images, with hidden layers of 64 instead of 400: ILGPU's CPU accelerator emulates
    /// every GPU thread as an OS thread (a 128 x 400 x 784 GEMM takes ~10 s here), and the default model's
    /// epoch took 9 minutes on it without exercising anything more.
    /// </summary>
    [DataFact("mnist")]
    public void OneEpochEndsAtTheCpuBackendsTestLoss()
    {
        const int testImages = 256;
        var mnist = TestData.Mnist;
        var test = mnist.Test with
        {
            Images = mnist.Test.Images[..(testImages * mnist.Test.ImageSize)],
            Labels = mnist.Test.Labels[..testImages],
            Count = testImages,
        };
        var data = mnist with { Test = test };
        var (cpuLoss, cpuSeconds) = TrainOneEpoch(new CpuAccelerator(), data);
        var (ilgpuLoss, ilgpuSeconds) = TrainOneEpoch(CudaAccelerator.CreateEmulated(), data);
        double difference = Math.Abs(ilgpuLoss - cpuLoss);
        output.WriteLine($"test loss: cpu {cpuLoss:R} ({cpuSeconds:F1} s), ILGPU CPU {ilgpuLoss:R} "
            + $"({ilgpuSeconds:F1} s), |difference| {difference:G3}");
        Assert.True(double.IsFinite(cpuLoss) && cpuLoss > 0, $"cpu test loss {cpuLoss}");
        Assert.True(difference <= 1e-4, $"ILGPU CPU test loss {ilgpuLoss:R} vs cpu {cpuLoss:R}: "
            + $"|difference| {difference:G3} > 1e-4");
    }

    private const int TrainImages = 512; // MNIST training images of that epoch

    private static (double TestLoss, double Seconds) TrainOneEpoch(Accelerator accelerator, Dataset data)
    {
        using var owned = accelerator;
        var config = new RunConfig
        {
            Epochs = 1,
            Limit = TrainImages,
            Seed = 1,
            Encoder = [64],
            Decoder = [64],
            Accelerator = accelerator.Kind,
        };
        var runDir = Directory.CreateTempSubdirectory("vaegpu-ilgpu-epoch-");
        try
        {
            var clock = Stopwatch.StartNew();
            var result = new Trainer(config, data, accelerator, runDir.FullName, new SilentProgress())
                .Run(resume: false, CancellationToken.None);
            Assert.Equal(TrainOutcome.Completed, result.Outcome);
            return (result.Metrics[^1].TestLoss, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            runDir.Delete(recursive: true);
        }
    }
}
