// Float64 forwards of the convolutional layers over a whole parameter vector p (arena layout) and a
// batch x, for the finite-difference gradient checks: each returns y for the batch.
using System.Collections.Concurrent;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Tests.Conformance.Conv;

namespace VaeGpu.Tests.Layers;

internal static class ConvLayerReference
{
    // The connection list of a geometry, built once: the gradient checks call Conv thousands of times.
    private static readonly ConcurrentDictionary<Conv2dGeometry, List<(int X, int Y, int W)>> Links = new();

    /// <summary>conv2d or conv_transpose2d of x with the weight and bias at their arena offsets.</summary>
    public static double[] Conv(Conv2dGeometry g, int batch, double[] x, double[] p, int w, int b)
    {
        var y = new double[batch * g.OutSize];
        int plane = g.OutHeight * g.OutWidth;
        for (int i = 0; i < y.Length; i++) y[i] = p[b + i / plane % g.OutChannels];
        var links = Links.GetOrAdd(g, ConvReference.Connections);
        for (int n = 0; n < batch; n++)
            foreach (var (xi, yi, wi) in links) y[n * g.OutSize + yi] += x[n * g.InSize + xi] * p[w + wi];
        return y;
    }

    /// <summary>Batch norm with batch statistics (training) or the running ones at their offsets
    /// (eval).</summary>
    public static double[] BatchNorm(bool training, int batch, ImageShape shape, double[] x, double[] p,
        int weight, int bias, int runMean, int runVar)
    {
        int channels = shape.Channels, spatial = shape.Height * shape.Width;
        var y = new double[x.Length];
        for (int c = 0; c < channels; c++)
        {
            var at = ConvReference.Indices(batch, channels, spatial, c).ToArray();
            double mean = training ? at.Average(i => x[i]) : p[runMean + c];
            double variance = training ? at.Average(i => (x[i] - mean) * (x[i] - mean)) : p[runVar + c];
            double invStd = 1 / Math.Sqrt(variance + 1e-5);
            foreach (int i in at) y[i] = (x[i] - mean) * invStd * p[weight + c] + p[bias + c];
        }
        return y;
    }

    /// <summary>Max pooling without padding.</summary>
    public static double[] MaxPool(Pool2dGeometry g, int batch, double[] x)
    {
        var y = new double[batch * g.OutSize];
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        for (int plane = 0; plane < batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    double max = double.NegativeInfinity;
                    for (int i = 0; i < g.Kernel; i++)
                        for (int j = 0; j < g.Kernel; j++)
                            max = Math.Max(max,
                                x[plane * inPlane + (oh * g.Stride + i) * g.InWidth + ow * g.Stride + j]);
                    y[plane * outPlane + oh * g.OutWidth + ow] = max;
                }
        return y;
    }
}
