// The graph builder's convolutional operators run in ONNX Runtime against plain float64 loops: Reshape
// rows to NCHW -> Conv2d -> LeakyReLU -> MaxPool2d -> Flatten, ConvTranspose2d with output padding, and a
// Conv or ConvTranspose followed by an eval-mode BatchNormalization (as the exported batch norms are).
// Awkward sizes throughout.
using Microsoft.ML.OnnxRuntime;
using VaeGpu.Kernels;
using VaeGpu.Runner.Export;
using VaeGpu.Tests.Runner;
using Xunit.Abstractions;
using static VaeGpu.Tests.Layers.Float64Reference;

namespace VaeGpu.Tests.Export;

public sealed class OnnxConvOpsTests(ITestOutputHelper output)
{
    private const double Atol = 1e-5, Rtol = 1e-5;

    [Fact]
    public void ConvLeakyReluMaxPoolMatchFloat64()
    {
        const int Batch = 3, Cin = 2, H = 9, W = 7, Cout = 3, K = 3, Stride = 2, Pad = 1;
        const int Ho = (H + 2 * Pad - K) / Stride + 1, Wo = (W + 2 * Pad - K) / Stride + 1; // 5 x 4
        var (random, context) = Fresh();
        var x = RandomFloats(random, Batch * Cin * H * W, -1, 1);
        var weight = RandomFloats(random, Cout * Cin * K * K, -0.5, 0.5);
        var bias = RandomFloats(random, Cout, -0.5, 0.5);

        var b = new OnnxGraphBuilder("conv");
        string h = b.Reshape(b.Input("x", "rows", Cin * H * W), [Cin, H, W]); // (B, Cin, H, W)
        h = b.Conv2d(h, b.Initializer("w", [Cout, Cin, K, K], weight), b.Initializer("b", [Cout], bias),
            Stride, Pad);                                                      // (B, Cout, Ho, Wo)
        h = b.Activation(h, Activation.LeakyRelu);
        h = b.MaxPool2d(h, kernel: 2, stride: 2);                              // (B, Cout, 2, 2)
        b.Flatten(h, "y");                                                     // (B, Cout * 4)
        b.Output("y", "features", Cout * 2 * 2);
        var y = RunGraph(b, Batch, ("x", x))["y"];

        var conv = Conv2d64(ToDouble(x), Batch, Cin, H, W, ToDouble(weight), ToDouble(bias), Cout, K,
            Stride, Pad);
        var act = conv.Select(v => Act(Activation.LeakyRelu, v)).ToArray();
        var expected = MaxPool64(act, Batch * Cout, Ho, Wo, 2, 2);
        AssertClose("conv, leaky relu, max pool", y, expected, Atol, Rtol, context);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ConvTransposeMatchesFloat64(int outputPadding)
    {
        const int Batch = 2, Cin = 3, H = 4, W = 5, Cout = 2, K = 4, Stride = 2, Pad = 1;
        int ho = (H - 1) * Stride - 2 * Pad + K + outputPadding, wo = (W - 1) * Stride - 2 * Pad + K
            + outputPadding;
        var (random, context) = Fresh();
        var x = RandomFloats(random, Batch * Cin * H * W, -1, 1);
        var weight = RandomFloats(random, Cin * Cout * K * K, -0.5, 0.5);
        var bias = RandomFloats(random, Cout, -0.5, 0.5);

        var b = new OnnxGraphBuilder("conv-transpose");
        string h = b.Reshape(b.Input("x", "rows", Cin * H * W), [Cin, H, W]);
        string w = b.Initializer("w", [Cin, Cout, K, K], weight), bi = b.Initializer("b", [Cout], bias);
        h = b.ConvTranspose2d(h, w, bi, Stride, Pad, outputPadding); // (B, Cout, ho, wo)
        b.Activation(h, Activation.Sigmoid, "y");
        b.Output("y", "image", Cout, ho, wo);
        var y = RunGraph(b, Batch, ("x", x))["y"];

        var expected = ConvTranspose64(ToDouble(x), Batch, Cin, H, W, ToDouble(weight), ToDouble(bias),
            Cout, K, Stride, Pad, outputPadding).Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
        AssertClose($"conv transpose, output padding {outputPadding}", y, expected, Atol, Rtol, context);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchNormalizationAfterAConvMatchesFloat64(bool transposed)
    {
        const int Batch = 4, Cin = 3, H = 6, W = 5, Cout = 5, K = 3, Stride = 1, Pad = 1;
        const float Epsilon = 1e-5f;
        var (random, context) = Fresh();
        var x = RandomFloats(random, Batch * Cin * H * W, -1, 1);
        int[] shape = transposed ? [Cin, Cout, K, K] : [Cout, Cin, K, K];
        var weight = RandomFloats(random, Cin * Cout * K * K, -0.5, 0.5);
        var bias = RandomFloats(random, Cout, -0.5, 0.5);
        var gamma = RandomFloats(random, Cout, 0.5, 1.5);
        var beta = RandomFloats(random, Cout, -0.5, 0.5);
        var mean = RandomFloats(random, Cout, -0.3, 0.3);
        var variance = RandomFloats(random, Cout, 0.05, 2);

        var b = new OnnxGraphBuilder("conv + batch norm");
        string h = b.Reshape(b.Input("x", "rows", Cin * H * W), [Cin, H, W]);
        string w = b.Initializer("w", shape, weight), bi = b.Initializer("b", [Cout], bias);
        h = transposed ? b.ConvTranspose2d(h, w, bi, Stride, Pad, 0) : b.Conv2d(h, w, bi, Stride, Pad);
        h = b.Node("BatchNormalization", [h, b.Initializer("gamma", [Cout], gamma),
            b.Initializer("beta", [Cout], beta), b.Initializer("mean", [Cout], mean),
            b.Initializer("var", [Cout], variance)], null,
            OnnxGraphBuilder.FloatAttribute("epsilon", Epsilon));
        b.Flatten(h, "y");
        b.Output("y", "features", Cout * H * W); // stride 1, pad 1, kernel 3: same size either way
        var y = RunGraph(b, Batch, ("x", x))["y"];

        var (xd, wd, bd) = (ToDouble(x), ToDouble(weight), ToDouble(bias));
        var conv = transposed
            ? ConvTranspose64(xd, Batch, Cin, H, W, wd, bd, Cout, K, Stride, Pad, 0)
            : Conv2d64(xd, Batch, Cin, H, W, wd, bd, Cout, K, Stride, Pad);
        var expected = new double[conv.Length];
        for (int i = 0; i < conv.Length; i++)
        {
            int c = i / (H * W) % Cout;
            expected[i] = gamma[c] * (conv[i] - mean[c]) / Math.Sqrt(variance[c] + (double)Epsilon)
                + beta[c];
        }
        AssertClose("conv + batch norm", y, expected, Atol, Rtol, context);
    }

    [Fact]
    public void BadWindowsAreRefused()
    {
        var b = new OnnxGraphBuilder("bad");
        string x = b.Reshape(b.Input("x", "rows", 12), [3, 2, 2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.Conv2d(x, x, null, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.ConvTranspose2d(x, x, null, 2, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.MaxPool2d(x, 0, 1));
        Assert.Throws<InvalidOperationException>(() => b.Conv2d(x, "no-such-weight", null, 1, 0));
        Assert.Throws<ArgumentException>(() => b.Reshape(x, [0, 4]));
    }

    private (System.Random Random, string Context) Fresh()
    {
        int seed = System.Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        return (new System.Random(seed), $"seed {seed}");
    }

    private static Dictionary<string, float[]> RunGraph(OnnxGraphBuilder builder, int batch,
        params (string Name, float[] Values)[] inputs)
    {
        using var temp = new TempFolder("onnx-ops");
        string path = Path.Combine(temp.Path, "graph.onnx");
        File.WriteAllBytes(path, OnnxGraphBuilder.Serialize(builder.Build("test graph", [])));
        return OnnxTestRuns.Run(path, batch, inputs);
    }

    /// <summary>y (B, Cout, Ho, Wo) = bias[o] + sum over c, ki, kj of
    /// x[c, i s - p + ki, j s - p + kj] w[o, c, ki, kj].</summary>
    private static double[] Conv2d64(double[] x, int batch, int cin, int h, int w, double[] weight,
        double[] bias, int cout, int k, int stride, int pad)
    {
        int ho = (h + 2 * pad - k) / stride + 1, wo = (w + 2 * pad - k) / stride + 1;
        var y = new double[batch * cout * ho * wo];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++)
                    {
                        double sum = bias[o];
                        for (int c = 0; c < cin; c++)
                            for (int ki = 0; ki < k; ki++)
                                for (int kj = 0; kj < k; kj++)
                                {
                                    int r = i * stride - pad + ki, col = j * stride - pad + kj;
                                    if (r < 0 || r >= h || col < 0 || col >= w) continue;
                                    sum += x[((n * cin + c) * h + r) * w + col]
                                        * weight[((o * cin + c) * k + ki) * k + kj];
                                }
                        y[((n * cout + o) * ho + i) * wo + j] = sum;
                    }
        return y;
    }

    /// <summary>Adds x[c, i, j] w[c, o, ki, kj] to y[o, i s - p + ki, j s - p + kj]; plus bias.</summary>
    private static double[] ConvTranspose64(double[] x, int batch, int cin, int h, int w, double[] weight,
        double[] bias, int cout, int k, int stride, int pad, int outputPadding)
    {
        int ho = (h - 1) * stride - 2 * pad + k + outputPadding;
        int wo = (w - 1) * stride - 2 * pad + k + outputPadding;
        var y = new double[batch * cout * ho * wo];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < cout; o++)
                Array.Fill(y, bias[o], (n * cout + o) * ho * wo, ho * wo);
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        for (int o = 0; o < cout; o++)
                            for (int ki = 0; ki < k; ki++)
                                for (int kj = 0; kj < k; kj++)
                                {
                                    int r = i * stride - pad + ki, col = j * stride - pad + kj;
                                    if (r < 0 || r >= ho || col < 0 || col >= wo) continue;
                                    double input = x[((n * cin + c) * h + i) * w + j];
                                    y[((n * cout + o) * ho + r) * wo + col] +=
                                        input * weight[((c * cout + o) * k + ki) * k + kj];
                                }
        return y;
    }

    /// <summary>Max over kernel x kernel windows with the stride (floor mode), per plane.</summary>
    private static double[] MaxPool64(double[] x, int planes, int h, int w, int kernel, int stride)
    {
        int ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1;
        var y = new double[planes * ho * wo];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                {
                    double max = double.NegativeInfinity;
                    for (int ki = 0; ki < kernel; ki++)
                        for (int kj = 0; kj < kernel; kj++)
                            max = Math.Max(max, x[(p * h + i * stride + ki) * w + j * stride + kj]);
                    y[(p * ho + i) * wo + j] = max;
                }
        return y;
    }
}
