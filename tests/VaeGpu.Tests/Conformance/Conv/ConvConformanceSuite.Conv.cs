// Conv2d and ConvTranspose2d forward, input gradient and weight/bias gradients against float64, on
// awkward shapes: odd H and W, kernels 1, 3, 4, 5 (and non-square), stride 1 and 2, padding 0-2,
// output padding, batch 1, channels 1 and 3, and a batch large enough to span several scratch chunks
// of the cpu's side-by-side path.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance.Conv;

public abstract partial class ConvConformanceSuite
{
    /// <summary>(geometry,
    /// batch) of the plain convolution cases; Small marks those slow backends run.</summary>
    private static readonly (Conv2dGeometry G, int Batch, bool Small)[] ConvCases =
    [
        (new(1, 7, 5, 3, 3, 3, 1, 1), 1, true),
        (new(3, 9, 11, 2, 4, 4, 2, 1), 2, true),
        (new(2, 13, 7, 5, 5, 5, 1, 2), 3, false),
        (new(3, 6, 6, 4, 1, 1, 1, 0), 2, true),
        (new(1, 5, 5, 1, 1, 1, 2, 0), 3, true),
        (new(2, 7, 9, 3, 5, 3, 2, 2), 1, true),
        (new(3, 28, 28, 8, 4, 4, 2, 1), 2, false),
        (new(3, 11, 11, 17, 3, 3, 2, 0), 5, false),
        (new(16, 29, 27, 2, 5, 5, 1, 2), 7, false), // the cpu's side-by-side path (>= 128 column rows)
        (new(16, 9, 10, 3, 3, 3, 2, 0), 3, false), // side by side, no padding: gathered from x itself
        (new(8, 200, 199, 2, 4, 4, 2, 1), 7, false), // 7 padded images > one cpu scratch chunk
        (new(8, 6, 6, 150, 4, 4, 2, 1), 2, false), // more output channels than one cpu GEMM row block
    ];

    /// <summary>The transposed cases: (in, H, W, out, kh, kw, stride, padding, output padding).</summary>
    private static readonly (Conv2dGeometry G, int Batch, bool Small)[] TransposedCases =
    [
        (new(3, 7, 7, 2, 4, 4, 2, 1, 0, true), 2, true),
        (new(2, 5, 3, 3, 3, 3, 2, 1, 1, true), 1, true),
        (new(1, 4, 6, 3, 5, 5, 1, 2, 0, true), 3, true),
        (new(3, 6, 6, 4, 1, 1, 1, 0, 0, true), 2, true),
        (new(2, 3, 5, 1, 4, 4, 2, 0, 1, true), 3, false),
        (new(8, 7, 7, 4, 4, 4, 2, 1, 0, true), 2, false),
        (new(5, 9, 7, 3, 5, 3, 1, 0, 0, true), 1, false),
        (new(4, 13, 11, 3, 3, 3, 2, 2, 1, true), 4, false),
        (new(5, 6, 5, 9, 4, 4, 2, 1, 1, true), 3, false), // the cpu's side-by-side path, as its mirror conv
    ];

    private IEnumerable<(Conv2dGeometry G, int Batch, bool Small)> Cases(bool transposed) =>
        (transposed ? TransposedCases : ConvCases).Where(c => c.Small || !SmallSizes);

    [BackendTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConvForwardMatchesFloat64(bool transposed)
    {
        foreach (var (g, batch, _) in Cases(transposed))
        {
            float[] x = Rng.Uniform(batch * g.InSize, -1, 1), w = Rng.Uniform(g.WeightSize, -1, 1);
            float[] bias = Rng.Uniform(g.OutChannels, -1, 1);
            foreach (bool withBias in new[] { true, false })
            {
                var (expected, atol) = ConvReference.Forward(g, batch, x, w, withBias ? bias : null);
                var y = Output0(batch * g.OutSize);
                Acc.Conv2dForward(g, batch, Put(x), Put(w), withBias ? Put(bias) : default, y);
                Close(y, expected, atol, 0, $"Conv2dForward {g} batch={batch} bias={withBias}");
            }
        }
        CheckGuards();
    }

    [BackendTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConvBackwardInputMatchesFloat64(bool transposed)
    {
        foreach (var (g, batch, _) in Cases(transposed))
        {
            float[] dy = Rng.Uniform(batch * g.OutSize, -1, 1), w = Rng.Uniform(g.WeightSize, -1, 1);
            var (expected, atol) = ConvReference.BackwardInput(g, batch, dy, w);
            var dx = Output0(batch * g.InSize);
            Acc.Conv2dBackwardInput(g, batch, Put(dy), Put(w), dx);
            Close(dx, expected, atol, 0, $"Conv2dBackwardInput {g} batch={batch}");
        }
        CheckGuards();
    }

    [BackendTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConvBackwardWeightsAccumulateAndMatchFloat64(bool transposed)
    {
        foreach (var (g, batch, _) in Cases(transposed))
        {
            float[] x = Rng.Uniform(batch * g.InSize, -1, 1), dy = Rng.Uniform(batch * g.OutSize, -1, 1);
            float[] dw0 = Rng.Uniform(g.WeightSize, -1, 1), db0 = Rng.Uniform(g.OutChannels, -1, 1);
            var (dw, dwAtol, db, dbAtol) = ConvReference.BackwardWeights(g, batch, x, dy, dw0, db0);
            BufferView<float> dweight = Put(dw0), dbias = Put(db0);
            Acc.Conv2dBackwardWeights(g, batch, Put(x), Put(dy), dweight, dbias);
            Close(dweight, dw, dwAtol, 0, $"Conv2dBackwardWeights dweight {g} batch={batch}");
            Close(dbias, db, dbAtol, 0, $"Conv2dBackwardWeights dbias {g} batch={batch}");
            // Without a bias gradient only the weight gradient moves.
            var (dwOnly, dwOnlyAtol, _, _) = ConvReference.BackwardWeights(g, batch, x, dy, dw0, db0);
            var dweight2 = Put(dw0);
            Acc.Conv2dBackwardWeights(g, batch, Put(x), Put(dy), dweight2, default);
            Close(dweight2, dwOnly, dwOnlyAtol, 0, $"Conv2dBackwardWeights no bias {g} batch={batch}");
        }
        CheckGuards();
    }

    [BackendFact]
    public void ConvRejectsBadGeometryAndShortViews()
    {
        var g = new Conv2dGeometry(2, 5, 5, 3, 3, 3, 1, 1);
        BufferView<float> x = Put(Rng.Uniform(2 * g.InSize, -1, 1)), w = Put(Rng.Uniform(g.WeightSize,
            -1, 1));
        var y = Put(Rng.Uniform(2 * g.OutSize, -1, 1));
        var before = Get(y);
        Assert.Throws<ArgumentException>(() => Acc.Conv2dForward(g with { KernelHeight = 8 }, 2, x, w,
            default, y));
        Assert.Throws<ArgumentException>(() => Acc.Conv2dForward(g with { OutputPadding = 1 }, 2, x, w,
            default, y));
        Assert.Throws<ArgumentException>(
            () => Acc.Conv2dForward(g with { Transposed = true, Stride = 2, OutputPadding = 2 }, 1, x,
                w, default, y));
        Assert.Throws<ArgumentOutOfRangeException>(() => Acc.Conv2dForward(g, 0, x, w, default, y));
        var e = Assert.Throws<ArgumentException>(() => Acc.Conv2dForward(g, 2, x.Slice(1, x.Length - 1),
            w, default, y));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Acc.Conv2dForward(g, 2, x, w, w.Slice(0, 2), y));
        Assert.Equal("bias", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Acc.Conv2dBackwardInput(g, 2, y, w, y));
        Assert.Equal("dx", e.ParamName);
        Assert.Equal(before, Get(y));
    }
}
