// Gradient checks of the convolutional layers (Conv2d, ConvTranspose2d, MaxPool2d, BatchNorm in
// training and eval mode) and of a Sequential that chains them through Flatten/Unflatten views and a
// Linear. The loss is L = sum(g * y) for a fixed random g; Backward's gradients (parameters: added to
// random earlier gradients; dx: assigned) are compared with float64 central differences of float64
// forwards (ConvLayerReference). Batch norm's running statistics are buffers: never given a gradient.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Layers;

public sealed class ConvLayerGradientTests(ITestOutputHelper output)
{
    // As in LayerGradientTests: float64 central differences are exact to ~1e-10 at this step; what is
    // left is the float32 rounding of the device's forward and backward.
    private const double Atol = 2e-5, Rtol = 2e-4;

    private delegate double[] Forward64(double[] p, double[] x);

    // Runs the check: forward and backward on the device, central differences on the host.
    private void Check(string context, CpuAccelerator acc, ParameterArena arena, Func<Tensor, Tensor> forward,
        Action<Tensor> backward, Func<Tensor> outputGrad, int batch, int inSize, Forward64 reference,
            Random random,
        double xLow = -1, double xHigh = 1)
    {
        output.WriteLine(context);
        var p = RandomFloats(random, arena.Count, -1, 1);
        foreach (var info in arena.Table) // batch norm's buffers: a positive variance, a modest mean
            if (info.Name.EndsWith(".running_var", StringComparison.Ordinal))
                for (int i = 0; i < info.Length; i++) p[info.Offset + i] = 0.5f + (float)random.NextDouble();
        var g0 = RandomFloats(random, arena.Count, -1, 1);
        arena.WriteValues(p);
        acc.CopyFromHost<float>(g0, arena.Gradients.View);
        var x = RandomFloats(random, batch * inSize, xLow, xHigh);
        using var xBuffer = acc.Upload<float>(x);
        using var dxBuffer = acc.Upload<float>(RandomFloats(random, batch * inSize, -1, 1));
        var pd = ToDouble(p); var xd = ToDouble(x);
        var y = forward(new Tensor(xBuffer, batch, inSize));
        var yd = reference(pd, xd);
        AssertClose("forward y", acc.ToArray(y.View), yd, 1e-5, 1e-5, context);
        var g = RandomFloats(random, y.Length, -1, 1);
        var gd = ToDouble(g);
        acc.CopyFromHost<float>(g, outputGrad().View);
        backward(new Tensor(dxBuffer, batch, inSize));

        var dParams = LayerGradientTests.CentralDifferences(pd,
            pp => LayerGradientTests.Dot(gd, reference(pp, xd)));
        var dx = LayerGradientTests.CentralDifferences(xd, xx => LayerGradientTests.Dot(gd,
            reference(pd, xx)));
        var grads = new float[arena.Count];
        arena.ReadGradients(grads);
        var trained = arena.Table.Where(i => !i.Name.Contains(".running_", StringComparison.Ordinal))
            .SelectMany(i => Enumerable.Range(i.Offset, i.Length)).ToArray();
        var buffers = arena.Table.Where(i => i.Name.Contains(".running_", StringComparison.Ordinal))
            .SelectMany(i => Enumerable.Range(i.Offset, i.Length)).ToArray();
        AssertClose("dparams (+=)", trained.Select(i => grads[i]).ToArray(),
            trained.Select(i => g0[i] + dParams[i]).ToArray(), Atol, Rtol, context, trained);
        AssertClose("buffers get no gradient", buffers.Select(i => grads[i]).ToArray(),
            buffers.Select(i => (double)g0[i]).ToArray(), 0, 0, context, buffers);
        AssertClose("dx (=)", acc.ToArray(dxBuffer.View), dx, Atol, Rtol, context);
        double worst = WorstRatio(acc.ToArray(dxBuffer.View), dx, Atol, Rtol);
        output.WriteLine($"worst error / tolerance: dx {worst:F4}");
    }

    [Theory]
    [InlineData(2, 7, 6, 3, 3, 2, 1)]
    [InlineData(1, 5, 5, 2, 4, 2, 1)]
    [InlineData(3, 4, 5, 2, 1, 1, 0)]
    [InlineData(1, 6, 7, 1, 5, 1, 2)]
    public void Conv2dMatchesFiniteDifferences(int inC, int h, int w, int outC, int k, int s, int pad)
    {
        const int Batch = 2;
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, Conv2d.ParameterShapes("c", inC, outC, k));
        using var ws = new Workspace(acc, Batch + 1);
        var layer = new Conv2d(ws, arena, "c", new ImageShape(inC, h, w), outC, k, s, pad);
        var g = new Conv2dGeometry(inC, h, w, outC, k, k, s, pad);
        Check($"seed {seed}, {layer}", acc, arena, layer.Forward, dx => layer.Backward(dx), () =>
            layer.OutputGrad,
            Batch, g.InSize, (p, x) => ConvLayerReference.Conv(g, Batch, x, p, arena["c.weight"].Offset,
                arena["c.bias"].Offset), random);
    }

    [Theory]
    [InlineData(3, 4, 5, 2, 4, 2, 1, 1)]
    [InlineData(2, 3, 3, 1, 3, 2, 0, 0)]
    [InlineData(1, 5, 4, 3, 5, 1, 2, 0)]
    public void ConvTranspose2dMatchesFiniteDifferences(int inC, int h, int w, int outC, int k, int s,
        int pad,
        int outPad)
    {
        const int Batch = 2;
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, ConvTranspose2d.ParameterShapes("t", inC, outC, k));
        using var ws = new Workspace(acc, Batch);
        var layer = new ConvTranspose2d(ws, arena, "t", new ImageShape(inC, h, w), outC, k, s, pad, outPad);
        var g = new Conv2dGeometry(inC, h, w, outC, k, k, s, pad, outPad, Transposed: true);
        Assert.Equal(new ImageShape(outC, g.OutHeight, g.OutWidth), layer.OutputShape);
        Check($"seed {seed}, {layer}", acc, arena, layer.Forward, dx => layer.Backward(dx), () =>
            layer.OutputGrad,
            Batch, g.InSize, (p, x) => ConvLayerReference.Conv(g, Batch, x, p, arena["t.weight"].Offset,
                arena["t.bias"].Offset), random);
    }

    [Theory]
    [InlineData(2, 6, 7, 2, 2)]
    [InlineData(1, 7, 5, 3, 2)]
    [InlineData(3, 4, 4, 2, 1)]
    public void MaxPool2dMatchesFiniteDifferences(int c, int h, int w, int k, int s)
    {
        const int Batch = 2;
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, [("unused", [1])]);
        using var ws = new Workspace(acc, Batch);
        var layer = new MaxPool2d(ws, new ImageShape(c, h, w), k, s);
        var g = new Pool2dGeometry(c, h, w, k, s);
        Check($"seed {seed}, {layer}", acc, arena, layer.Forward, dx => layer.Backward(dx), () =>
            layer.OutputGrad,
            Batch, g.InSize, (p, x) => ConvLayerReference.MaxPool(g, Batch, x), random);
    }

    [Theory]
    [InlineData(true, 3, 3, 5, 4)]
    [InlineData(false, 3, 3, 5, 4)]
    [InlineData(true, 4, 5, 1, 1)]
    [InlineData(false, 2, 5, 1, 1)]
    [InlineData(true, 1, 2, 3, 1)]
    public void BatchNormMatchesFiniteDifferences(bool training, int batch, int c, int h, int w)
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        var shape = new ImageShape(c, h, w);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, BatchNorm.ParameterShapes("bn", c));
        using var ws = new Workspace(acc, batch);
        var layer = new BatchNorm(ws, arena, "bn", shape) { Training = training };
        Check($"seed {seed}, {layer} training={training} batch={batch}", acc, arena, layer.Forward,
            dx => layer.Backward(dx), () => layer.OutputGrad, batch, shape.Size,
            (p, x) => ConvLayerReference.BatchNorm(training, batch, shape, x, p, arena["bn.weight"].Offset,
                arena["bn.bias"].Offset, arena["bn.running_mean"].Offset, arena["bn.running_var"].Offset),
            random, -1, 2);
        Assert.Equal(training ? 1 : 0, layer.NumBatchesTracked);
    }

    [Fact]
    public void ConvSequentialThroughViewsMatchesFiniteDifferences()
    {
        // (1, 6, 6) -conv k3 p1-> (4, 6, 6) -bn-> -relu-> -pool 2-> (4, 3, 3) -flatten-> 36 -linear-> 5
        // -linear-> 18 -unflatten-> (2, 3, 3) -convT k4 s2 p1-> (1, 6, 6)
        const int Batch = 3;
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        using var acc = new CpuAccelerator(2);
        using var arena = new ParameterArena(acc, Conv2d.ParameterShapes("c", 1, 4, 3)
            .Concat(BatchNorm.ParameterShapes("bn", 4)).Concat(Linear.ParameterShapes("a", 36, 5))
            .Concat(Linear.ParameterShapes("b", 5, 18)).Concat(ConvTranspose2d.ParameterShapes("t", 2,
                1, 4)));
        using var ws = new Workspace(acc, Batch);
        var image = new ImageShape(4, 6, 6);
        var net = new Sequential([
            new Conv2d(ws, arena, "c", new ImageShape(1, 6, 6), 4, 3, 1, 1),
            new BatchNorm(ws, arena, "bn", image),
            new ActivationLayer(ws, image, Activation.Relu),
            new MaxPool2d(ws, image, 2),
            new Flatten(ws, new ImageShape(4, 3, 3)),
            new Linear(ws, arena, "a", 36, 5, Activation.Tanh),
            new Linear(ws, arena, "b", 5, 18),
            new Unflatten(ws, new ImageShape(2, 3, 3)),
            new ConvTranspose2d(ws, arena, "t", new ImageShape(2, 3, 3), 1, 4, 2, 1)]);
        Assert.Equal(new ImageShape(1, 6, 6), net.Layers[^1].OutputShape);
        var conv = new Conv2dGeometry(1, 6, 6, 4, 3, 3, 1, 1);
        var pool = new Pool2dGeometry(4, 6, 6, 2, 2);
        var convT = new Conv2dGeometry(2, 3, 3, 1, 4, 4, 2, 1, 0, Transposed: true);
        int O(string name) => arena[name].Offset;
        double[] Reference(double[] p, double[] x)
        {
            var h = ConvLayerReference.Conv(conv, Batch, x, p, O("c.weight"), O("c.bias"));
            h = ConvLayerReference.BatchNorm(true, Batch, image, h, p, O("bn.weight"), O("bn.bias"),
                O("bn.running_mean"), O("bn.running_var"));
            h = ConvLayerReference.MaxPool(pool, Batch, h.Select(v => Math.Max(v, 0)).ToArray());
            h = LinearForward(h, Batch, 36, 5, p, O("a.weight"), O("a.bias"), Activation.Tanh);
            h = LinearForward(h, Batch, 5, 18, p, O("b.weight"), O("b.bias"), Activation.Identity);
            return ConvLayerReference.Conv(convT, Batch, h, p, O("t.weight"), O("t.bias"));
        }
        Check($"seed {seed}, conv sequential", acc, arena, net.Forward, dx => net.Backward(dx), () =>
            net.OutputGrad,
            Batch, 36, Reference, random);
    }

    [Fact]
    public void SequentialNamesTheLayerAndBothShapesWhenTheyDoNotFit()
    {
        using var acc = new CpuAccelerator(1);
        using var arena = new ParameterArena(acc, Conv2d.ParameterShapes("c", 1, 4, 3)
            .Concat(Linear.ParameterShapes("a", 100, 5)));
        using var ws = new Workspace(acc, 2);
        var conv = new Conv2d(ws, arena, "c", new ImageShape(1, 12, 12), 4, 3);
        var error = Assert.Throws<ArgumentException>(() => new Sequential([conv, new Linear(ws, arena,
            "a", 100, 5)]));
        output.WriteLine(error.Message);
        Assert.Contains("layer 1 (Linear a 100 -> 5", error.Message);
        Assert.Contains("takes 100 features but layer 0 (Conv2d c (1, 12, 12) -> (4, 10, 10)", error.Message);
        Assert.Contains("gives (4, 10, 10)", error.Message);
        var flatFirst = Assert.Throws<ArgumentException>(() => new Sequential([new Flatten(ws,
            new ImageShape(4, 10, 10))]));
        Assert.Contains("view", flatFirst.Message);
        Assert.Throws<ArgumentException>(() => new Conv2d(ws, arena, "c", new ImageShape(1, 2, 2), 4, 3));
    }
}
