// Gradient checks of each layer on its own: Linear (every fused activation), ActivationLayer and a
// Sequential stack. The loss is L = sum(g * y) for a fixed random g, so dL/dy = g; analytic
// gradients from Backward are compared with float64 central differences of a float64 forward.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Layers;

/// <summary>Layer gradient checks, written once and run per backend by thin subclasses.</summary>
public abstract class LayerGradientTests(ITestOutputHelper output)
{
    // Central differences in float64 are exact to ~1e-10 with this step; what remains is float32
    // rounding in the device's forward and backward (sums of up to ~20 products of O(1) values);
    // measured worst error / tolerance on cpu at these settings: about 0.005.
    private const double H = 1e-6, Atol = 1e-5, Rtol = 1e-4;

    protected abstract Accelerator CreateAccelerator();

    [BackendTheory]
    [InlineData(Activation.Identity, 1, 1, 1)]
    [InlineData(Activation.Identity, 3, 7, 5)]
    [InlineData(Activation.Relu, 5, 7, 11)]
    [InlineData(Activation.LeakyRelu, 4, 13, 3)]
    [InlineData(Activation.Sigmoid, 2, 5, 17)]
    [InlineData(Activation.Tanh, 7, 9, 4)]
    public void LinearMatchesFloat64(Activation activation, int batch, int inSize, int outSize)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        string context = $"seed {seed}, {activation}, batch {batch}, {inSize} -> {outSize}";
        output.WriteLine(context);
        using var acc = CreateAccelerator();
        using var arena = new ParameterArena(acc, Linear.ParameterShapes("fc", inSize, outSize));
        using var ws = new Workspace(acc, batch + 2);
        var layer = new Linear(ws, arena, "fc", inSize, outSize, activation);
        var p = RandomFloats(random, arena.Count, -1, 1);
        var g0 = RandomFloats(random, arena.Count, -1, 1); // gradients from "earlier" in the step
        arena.WriteValues(p);
        acc.CopyFromHost<float>(g0, arena.Gradients.View);
        var x = RandomFloats(random, batch * inSize, -1, 1);
        var g = RandomFloats(random, batch * outSize, -1, 1);
        using var xBuffer = acc.Upload<float>(x);
        var xd = ToDouble(x); var pd = ToDouble(p); var gd = ToDouble(g);
        int w = arena["fc.weight"].Offset, b = arena["fc.bias"].Offset;
        double Loss(double[] pp, double[] xx) =>
            Dot(gd, Float64Reference.LinearForward(xx, batch, inSize, outSize, pp, w, b, activation));

        var y = layer.Forward(new Tensor(xBuffer, batch, inSize));
        AssertClose("forward y", acc.ToArray(y.View),
            Float64Reference.LinearForward(xd, batch, inSize, outSize, pd, w, b, activation),
            1e-5, 1e-5, context);

        // Backward 1 assigns dx and adds to the parameter gradients.
        using var dxBuffer = acc.Upload<float>(RandomFloats(random, batch * inSize, -1, 1));
        acc.CopyFromHost<float>(g, layer.OutputGrad.View);
        layer.Backward(new Tensor(dxBuffer, batch, inSize));
        var dParams = CentralDifferences(pd, pp => Loss(pp, xd));
        var dx = CentralDifferences(xd, xx => Loss(pd, xx));
        var expectedGrads = dParams.Select((d, i) => g0[i] + d).ToArray();
        AssertClose("dparams (+=)", ReadGradients(arena), expectedGrads, Atol, Rtol, context);
        AssertClose("dx (=)", acc.ToArray(dxBuffer.View), dx, Atol, Rtol, context);
        double worstParams = WorstRatio(ReadGradients(arena), expectedGrads, Atol, Rtol);
        double worstDx = WorstRatio(acc.ToArray(dxBuffer.View), dx, Atol, Rtol);
        output.WriteLine($"worst error / tolerance: dparams {worstParams:F4}, dx {worstDx:F4}");

        // Backward 2 with accumulateInputGrad adds to dx; parameter gradients accumulate again.
        var d0 = RandomFloats(random, batch * inSize, -1, 1);
        acc.CopyFromHost<float>(d0, dxBuffer.View);
        acc.CopyFromHost<float>(g, layer.OutputGrad.View);
        layer.Backward(new Tensor(dxBuffer, batch, inSize), accumulateInputGrad: true);
        AssertClose("dparams after two backwards", ReadGradients(arena),
            dParams.Select((d, i) => g0[i] + 2 * d).ToArray(), 2 * Atol, Rtol, context);
        AssertClose("dx (+=)", acc.ToArray(dxBuffer.View), dx.Select((d, i) => d0[i] + d).ToArray(),
            Atol, Rtol, context);
    }

    [BackendTheory]
    [InlineData(Activation.Relu, 3, 19)]
    [InlineData(Activation.LeakyRelu, 1, 8)]
    [InlineData(Activation.Sigmoid, 5, 3)]
    [InlineData(Activation.Tanh, 2, 33)]
    public void ActivationLayerMatchesFloat64(Activation activation, int batch, int size)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        string context = $"seed {seed}, {activation}, batch {batch}, size {size}";
        output.WriteLine(context);
        using var acc = CreateAccelerator();
        using var ws = new Workspace(acc, batch);
        var layer = new ActivationLayer(ws, size, activation);
        var x = RandomFloats(random, batch * size, -2, 2);
        var g = RandomFloats(random, batch * size, -1, 1);
        using var xBuffer = acc.Upload<float>(x);
        using var dxBuffer = acc.Allocate<float>(batch * size);
        var xd = ToDouble(x); var gd = ToDouble(g);
        var y = layer.Forward(new Tensor(xBuffer, batch, size));
        AssertClose("forward y", acc.ToArray(y.View), xd.Select(v => Act(activation, v)).ToArray(), 1e-6,
            1e-5, context);
        acc.CopyFromHost<float>(g, layer.OutputGrad.View);
        layer.Backward(new Tensor(dxBuffer, batch, size));
        var dx = CentralDifferences(xd, xx => Dot(gd, xx.Select(v => Act(activation, v)).ToArray()));
        AssertClose("dx", acc.ToArray(dxBuffer.View), dx, Atol, Rtol, context);
    }

    [BackendFact]
    public void SequentialMatchesFloat64()
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        const int Batch = 3, In = 6, Hidden = 5, Out = 4;
        string context = $"seed {seed}, Linear(tanh) -> Sigmoid -> Linear, batch {Batch}";
        output.WriteLine(context);
        using var acc = CreateAccelerator();
        using var arena = new ParameterArena(acc,
            Linear.ParameterShapes("a", In, Hidden).Concat(Linear.ParameterShapes("b", Hidden, Out)));
        using var ws = new Workspace(acc, Batch);
        var net = new Sequential([
            new Linear(ws, arena, "a", In, Hidden, Activation.Tanh),
            new ActivationLayer(ws, Hidden, Activation.Sigmoid),
            new Linear(ws, arena, "b", Hidden, Out)]);
        var p = RandomFloats(random, arena.Count, -1, 1);
        arena.WriteValues(p);
        arena.ZeroGradients();
        var x = RandomFloats(random, Batch * In, -1, 1);
        var g = RandomFloats(random, Batch * Out, -1, 1);
        using var xBuffer = acc.Upload<float>(x);
        using var dxBuffer = acc.Allocate<float>(Batch * In);
        var xd = ToDouble(x); var pd = ToDouble(p); var gd = ToDouble(g);
        double[] Forward(double[] pp, double[] xx)
        {
            var h = Float64Reference.LinearForward(xx, Batch, In, Hidden, pp, arena["a.weight"].Offset,
                arena["a.bias"].Offset, Activation.Tanh).Select(v => Act(Activation.Sigmoid, v)).ToArray();
            return Float64Reference.LinearForward(h, Batch, Hidden, Out, pp, arena["b.weight"].Offset,
                arena["b.bias"].Offset, Activation.Identity);
        }
        var y = net.Forward(new Tensor(xBuffer, Batch, In));
        AssertClose("forward y", acc.ToArray(y.View), Forward(pd, xd), 1e-5, 1e-5, context);
        acc.CopyFromHost<float>(g, net.OutputGrad.View);
        net.Backward(new Tensor(dxBuffer, Batch, In));
        var dParams = CentralDifferences(pd, pp => Dot(gd, Forward(pp, xd)));
        var dx = CentralDifferences(xd, xx => Dot(gd, Forward(pd, xx)));
        AssertClose("dparams", ReadGradients(arena), dParams, Atol, Rtol, context);
        AssertClose("dx", acc.ToArray(dxBuffer.View), dx, Atol, Rtol, context);
    }

    [BackendFact]
    public void LayerRejectsWrongShapesWithClearMessages()
    {
        using var acc = CreateAccelerator();
        using var arena = new ParameterArena(acc, Linear.ParameterShapes("fc", 4, 3));
        using var ws = new Workspace(acc, 2);
        var layer = new Linear(ws, arena, "fc", 4, 3);
        using var x = acc.Allocate<float>(3 * 5);
        var wide = Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(x, 3, 5)));
        Assert.Contains("5 columns, expected 4", wide.Message);
        var big = Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(x, 3, 4)));
        Assert.Contains("batch 3 exceeds", big.Message);
        Assert.Throws<InvalidOperationException>(() => layer.Backward(default));
        var missing = Assert.Throws<KeyNotFoundException>(() => new Linear(ws, arena, "nope", 4, 3));
        Assert.Contains("nope.weight", missing.Message);
    }

    private static float[] ReadGradients(ParameterArena arena)
    {
        var values = new float[arena.Count];
        arena.ReadGradients(values);
        return values;
    }

    internal static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// d loss / d v[i] for every i, by (loss(v + h e_i) - loss(v - h e_i)) / 2h in float64.
    /// </summary>
    internal static double[] CentralDifferences(double[] v, Func<double[], double> loss)
    {
        var result = new double[v.Length];
        for (int i = 0; i < v.Length; i++) result[i] = Float64Reference.CentralDifference(v, i, loss, H);
        return result;
    }
}

/// <summary>Layer gradient checks on the managed CPU backend.</summary>
[Backend(AcceleratorKind.Cpu)]
public sealed class CpuLayerGradientTests(ITestOutputHelper output) : LayerGradientTests(output)
{
    protected override Accelerator CreateAccelerator() => new CpuAccelerator(2);
}

/// <summary>
/// Layer gradient checks on OpenCL device 0 (PoCL in CI); skipped with the probe's reason where absent.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLLayerGradientTests(ITestOutputHelper output) : LayerGradientTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.OpenCL);
}

/// <summary>Layer gradient checks on CUDA device 0; skipped with the probe's reason where absent.</summary>
[Backend(AcceleratorKind.Cuda)]
public sealed class CudaLayerGradientTests(ITestOutputHelper output) : LayerGradientTests(output)
{
    protected override Accelerator CreateAccelerator() => Accelerators.Create(AcceleratorKind.Cuda);
}
