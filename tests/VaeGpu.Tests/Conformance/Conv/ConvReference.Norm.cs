// Float64 references for pooling and batch normalisation, each with a per-element error bound that
// any correct float32 implementation meets (sums in any order, one rounding per operation).
using VaeGpu.Kernels;

namespace VaeGpu.Tests.Conformance.Conv;

public static partial class ConvReference
{
    private const double U = 1.0 / (1 << 24);

    private static double Gamma(long n) => n * U / (1 - n * U);

    /// <summary>Max pooling: values and the first argmax (h * W + w) of each window.</summary>
    public static (double[] Y, int[] Argmax) MaxPool(Pool2dGeometry g, int batch, float[] x)
    {
        var y = new double[batch * g.OutSize];
        var at = new int[y.Length];
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        for (int plane = 0; plane < batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int o = plane * outPlane + oh * g.OutWidth + ow;
                    // PyTorch's rule: the first maximum in window order; the first NaN wins and stays;
                    // a window of -inf points at its first element.
                    y[o] = double.NegativeInfinity;
                    at[o] = oh * g.Stride * g.InWidth + ow * g.Stride;
                    for (int i = 0; i < g.Kernel; i++)
                        for (int j = 0; j < g.Kernel; j++)
                        {
                            int p = (oh * g.Stride + i) * g.InWidth + ow * g.Stride + j;
                            double v = x[plane * inPlane + p];
                            if (v > y[o] || (double.IsNaN(v) && !double.IsNaN(y[o]))) { y[o] = v; at[o] = p; }
                        }
                }
        return (y, at);
    }

    /// <summary>Average pooling and its bound.</summary>
    public static (double[] Y, double[] Atol) AvgPool(Pool2dGeometry g, int batch, float[] x)
    {
        var y = new double[batch * g.OutSize];
        var atol = new double[y.Length];
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth, area = g.Kernel * g.Kernel;
        for (int plane = 0; plane < batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int o = plane * outPlane + oh * g.OutWidth + ow;
                    double sum = 0, abs = 0;
                    for (int i = 0; i < g.Kernel; i++)
                        for (int j = 0; j < g.Kernel; j++)
                        {
                            double v =
                                x[plane * inPlane + (oh * g.Stride + i) * g.InWidth + ow * g.Stride + j];
                            sum += v;
                            abs += Math.Abs(v);
                        }
                    y[o] = sum / area;
                    atol[o] = Gamma(area + 2) * abs / area;
                }
        return (y, atol);
    }

    /// <summary>dx of max pooling (to the argmax) or average pooling (spread evenly),
    /// with its bound.</summary>
    public static (double[] Dx, double[] Atol) PoolBackward(Pool2dGeometry g, int batch, float[] dy,
        int[]? argmax, bool average)
    {
        var dx = new double[batch * g.InSize];
        var abs = new double[dx.Length];
        var terms = new int[dx.Length];
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth, area = g.Kernel * g.Kernel;
        for (int plane = 0; plane < batch * g.Channels; plane++)
            for (int oh = 0; oh < g.OutHeight; oh++)
                for (int ow = 0; ow < g.OutWidth; ow++)
                {
                    int o = plane * outPlane + oh * g.OutWidth + ow;
                    for (int i = 0; i < g.Kernel; i++)
                        for (int j = 0; j < g.Kernel; j++)
                        {
                            int p = (oh * g.Stride + i) * g.InWidth + ow * g.Stride + j;
                            if (!average && p != argmax![o]) continue;
                            double share = average ? (double)dy[o] / area : dy[o];
                            dx[plane * inPlane + p] += share;
                            abs[plane * inPlane + p] += Math.Abs(share);
                            terms[plane * inPlane + p]++;
                        }
                }
        var atol = new double[dx.Length];
        for (int i = 0; i < dx.Length; i++) atol[i] = Gamma(terms[i] + 2) * abs[i];
        return (dx, atol);
    }

    /// <summary>Batch norm forward in float64: y,
    /// the statistics used and the running estimates after.</summary>
    public static (double[] Y, double[] Mean, double[] InvStd, double[] RunMean, double[] RunVar)
        BatchNormForward(bool training, int batch, int channels, int spatial, float[] x, float[] gamma,
        float[] beta, float[] runMean, float[] runVar, double momentum, double eps)
    {
        var y = new double[x.Length];
        var mean = new double[channels];
        var invStd = new double[channels];
        var rm = Array.ConvertAll(runMean, v => (double)v);
        var rv = Array.ConvertAll(runVar, v => (double)v);
        long count = (long)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double m = 0, v = 0;
            foreach (int i in Indices(batch, channels, spatial, c)) m += x[i];
            m /= count;
            foreach (int i in Indices(batch, channels, spatial, c)) v += (x[i] - m) * (x[i] - m);
            v /= count;
            if (training)
            {
                rm[c] = (1 - momentum) * rm[c] + momentum * m;
                rv[c] = (1 - momentum) * rv[c] + momentum * v * count / (count - 1);
            }
            else
            {
                m = runMean[c];
                v = runVar[c];
            }
            mean[c] = m;
            invStd[c] = 1 / Math.Sqrt(v + eps);
            foreach (int i in Indices(batch, channels, spatial, c))
                y[i] = (x[i] - m) * invStd[c] * gamma[c] + beta[c];
        }
        return (y, mean, invStd, rm, rv);
    }

    /// <summary>Batch norm backward in float64: dx, dgamma0 + dgamma, dbeta0 + dbeta.</summary>
    public static (double[] Dx, double[] Dgamma, double[] Dbeta) BatchNormBackward(bool training, int batch,
        int channels, int spatial, float[] x, float[] dy, float[] gamma, double[] mean, double[] invStd,
        float[] dgamma0, float[] dbeta0)
    {
        var dx = new double[x.Length];
        var dgamma = Array.ConvertAll(dgamma0, v => (double)v);
        var dbeta = Array.ConvertAll(dbeta0, v => (double)v);
        long count = (long)batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyXhat = 0;
            foreach (int i in Indices(batch, channels, spatial, c))
            {
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - mean[c]) * invStd[c];
            }
            dgamma[c] += sumDyXhat;
            dbeta[c] += sumDy;
            foreach (int i in Indices(batch, channels, spatial, c))
            {
                double xhat = (x[i] - mean[c]) * invStd[c];
                dx[i] = gamma[c] * invStd[c]
                    * (training ? dy[i] - sumDy / count - xhat * sumDyXhat / count : dy[i]);
            }
        }
        return (dx, dgamma, dbeta);
    }

    /// <summary>The indices of channel c in a (batch, channels, spatial) tensor.</summary>
    public static IEnumerable<int> Indices(int batch, int channels, int spatial, int c)
    {
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < spatial; p++) yield return (n * channels + c) * spatial + p;
    }
}
