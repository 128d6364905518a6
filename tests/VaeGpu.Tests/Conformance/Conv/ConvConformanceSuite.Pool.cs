// Max and average pooling against float64: forward values and argmax exactly (a maximum is exact),
// backward sums within the rounding bound of the overlapping windows (stride < kernel).
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance.Conv;

public abstract partial class ConvConformanceSuite
{
    private static readonly (Pool2dGeometry G, int Batch)[] PoolCases =
    [
        (new(1, 7, 5, 2, 2), 1), (new(3, 9, 11, 3, 2), 2), (new(2, 6, 6, 2, 1), 3),
        (new(3, 5, 7, 3, 3), 1), (new(1, 4, 4, 4, 1), 2), (new(3, 28, 28, 2, 2), 2), (new(5, 13, 9, 1, 1), 1),
    ];

    [BackendFact]
    public void MaxPoolMatchesFloat64()
    {
        foreach (var (g, batch) in PoolCases.Where(c => !SmallSizes || c.G.InSize <= 300))
        {
            float[] x = Rng.Uniform(batch * g.InSize, -3, 3), dy = Rng.Uniform(batch * g.OutSize, -1, 1);
            var (y, at) = ConvReference.MaxPool(g, batch, x);
            var yView = Output0(batch * g.OutSize);
            var argmax = Put(new int[batch * g.OutSize], -7);
            Acc.MaxPool2dForward(g, batch, Put(x), yView, argmax);
            Close(yView, y, new double[y.Length], 0, $"MaxPool2dForward {g} batch={batch}");
            Assert.Equal(at, Get(argmax));
            var (dx, atol) = ConvReference.PoolBackward(g, batch, dy, at, average: false);
            var dxView = Output0(batch * g.InSize);
            Acc.MaxPool2dBackward(g, batch, Put(dy), argmax, dxView);
            Close(dxView, dx, atol, 0, $"MaxPool2dBackward {g} batch={batch}");
        }
        CheckGuards();
    }

    // Ties, NaNs and -inf everywhere (five values only): the first maximum in window order wins, a NaN
    // wins and stays, an all -inf window points at its first element, on every window width the cpu
    // handles in vector lanes (8 and 4 windows) and the scalar tail.
    [BackendFact]
    public void MaxPoolBreaksTiesAndPropagatesNaNAsPyTorch()
    {
        float[] values = [float.NegativeInfinity, -1, 0, 1, float.NaN];
        var cases = new (Pool2dGeometry G, int Batch)[] { (new(2, 4, 30, 2, 2), 2), (new(3, 5, 7, 3, 2), 1) };
        foreach (var (g, batch) in cases)
        {
            float[] x = Rng.Uniform(batch * g.InSize, 0, values.Length)
                .Select(u => values[Math.Min((int)u, values.Length - 1)]).ToArray();
            var (y, at) = ConvReference.MaxPool(g, batch, x);
            var yView = Output0(batch * g.OutSize);
            var argmax = Put(new int[batch * g.OutSize], -7);
            Acc.MaxPool2dForward(g, batch, Put(x), yView, argmax);
            float[] got = Get(yView);
            for (int o = 0; o < y.Length; o++)
                Assert.True(got[o].Equals((float)y[o]), $"{Acc.Kind} MaxPool2dForward {g} output {o}: "
                    + $"{got[o]}, expected {y[o]} (seed {Rng.Seed})");
            Assert.Equal(at, Get(argmax));
        }
        CheckGuards();
    }

    [BackendFact]
    public void AvgPoolMatchesFloat64()
    {
        foreach (var (g, batch) in PoolCases.Where(c => !SmallSizes || c.G.InSize <= 300))
        {
            float[] x = Rng.Uniform(batch * g.InSize, -3, 3), dy = Rng.Uniform(batch * g.OutSize, -1, 1);
            var (y, yAtol) = ConvReference.AvgPool(g, batch, x);
            var yView = Output0(batch * g.OutSize);
            Acc.AvgPool2dForward(g, batch, Put(x), yView);
            Close(yView, y, yAtol, 0, $"AvgPool2dForward {g} batch={batch}");
            var (dx, atol) = ConvReference.PoolBackward(g, batch, dy, null, average: true);
            var dxView = Output0(batch * g.InSize);
            Acc.AvgPool2dBackward(g, batch, Put(dy), dxView);
            Close(dxView, dx, atol, 0, $"AvgPool2dBackward {g} batch={batch}");
        }
        CheckGuards();
    }
}
