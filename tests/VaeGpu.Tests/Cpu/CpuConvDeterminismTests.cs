// The CPU convolution, pooling and batch-norm ops give bit-identical results for 1, 2 and 3 worker
// threads (fixed summation order), on a batch big enough that the work is split across workers.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cpu;

public sealed class CpuConvDeterminismTests(ITestOutputHelper output)
{
    // Deep column matrices (8 x 4 x 4 rows) take the side-by-side path; one or two channels (like the
    // conv VAE's outer layers) split the samples across workers and reduce the weight gradient by group.
    [Theory]
    [InlineData(false, 8)]
    [InlineData(true, 8)]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void ConvResultsDoNotDependOnThreadCount(bool transposed, int outerChannels)
    {
        var rng = new TestRandom(output);
        var g = transposed ? new Conv2dGeometry(16, 7, 7, outerChannels, 4, 4, 2, 1, 0, true)
            : new Conv2dGeometry(outerChannels, 15, 13, 16, 4, 4, 2, 1);
        const int Batch = 37; // more samples than weight-gradient groups, not a multiple of them
        float[] x = rng.Uniform(Batch * g.InSize, -1, 1), w = rng.Uniform(g.WeightSize, -1, 1);
        float[] b = rng.Uniform(g.OutChannels, -1, 1), dy = rng.Uniform(Batch * g.OutSize, -1, 1);
        float[][]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var cpu = new CpuAccelerator(threads);
            using var xv = cpu.Upload<float>(x);
            using var wv = cpu.Upload<float>(w);
            using var bv = cpu.Upload<float>(b);
            using var dyv = cpu.Upload<float>(dy);
            using var y = cpu.Allocate<float>(Batch * g.OutSize);
            using var dx = cpu.Allocate<float>(Batch * g.InSize);
            using var dw = cpu.Upload<float>(new float[g.WeightSize]);
            using var db = cpu.Upload<float>(new float[g.OutChannels]);
            cpu.Conv2dForward(g, Batch, xv, wv, bv, y);
            cpu.Conv2dBackwardInput(g, Batch, dyv, wv, dx);
            cpu.Conv2dBackwardWeights(g, Batch, xv, dyv, dw, db);
            float[][] now = [cpu.ToArray(y.View), cpu.ToArray(dx.View), cpu.ToArray(dw.View),
                cpu.ToArray(db.View)];
            if (first is null) { first = now; continue; }
            for (int i = 0; i < now.Length; i++)
                NumericAssert.Equal<float>(now[i], first[i], $"output {i} with {threads} threads vs 1",
                    rng.Seed);
        }
    }
}
