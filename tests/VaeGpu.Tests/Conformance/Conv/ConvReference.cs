// Plain float64 references for the convolutional ops. A convolution (plain or transposed) is a list
// of connections (input element, output element, weight element) of one sample; forward, input
// gradient and weight gradient are three sums over the same list, with the sum of |terms| kept per
// element so a test can allow the worst-case float32 rounding of any summation order.
using VaeGpu.Kernels;

namespace VaeGpu.Tests.Conformance.Conv;

/// <summary>Float64 convolution, pooling and batch-norm references.</summary>
public static partial class ConvReference
{
    /// <summary>(x index, y index, weight index) of every multiply-add of one sample.</summary>
    public static List<(int X, int Y, int W)> Connections(Conv2dGeometry g)
    {
        var list = new List<(int, int, int)>();
        int kh = g.KernelHeight, kw = g.KernelWidth, s = g.Stride, p = g.Padding;
        int oh = g.OutHeight, ow = g.OutWidth;
        for (int ci = 0; ci < g.InChannels; ci++)
            for (int co = 0; co < g.OutChannels; co++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                    {
                        int w = g.Transposed ? ((ci * g.OutChannels + co) * kh + i) * kw + j
                            : ((co * g.InChannels + ci) * kh + i) * kw + j;
                        // Conv: input pixel (a s - p + i, b s - p + j) feeds output (a, b). Transposed:
                        // input pixel (a, b) feeds output (a s - p + i, b s - p + j).
                        int rows = g.Transposed ? g.InHeight : oh, cols = g.Transposed ? g.InWidth : ow;
                        for (int a = 0; a < rows; a++)
                            for (int b = 0; b < cols; b++)
                            {
                                int ty = a * s - p + i, tx = b * s - p + j;
                                if (g.Transposed)
                                {
                                    if (ty < 0 || ty >= oh || tx < 0 || tx >= ow) continue;
                                    list.Add(((ci * g.InHeight + a) * g.InWidth + b,
                                        (co * oh + ty) * ow + tx, w));
                                }
                                else
                                {
                                    if (ty < 0 || ty >= g.InHeight || tx < 0 || tx >= g.InWidth) continue;
                                    list.Add(((ci * g.InHeight + ty) * g.InWidth + tx,
                                        (co * oh + a) * ow + b, w));
                                }
                            }
                    }
        return list;
    }

    /// <summary>
    /// Per element, gamma(terms + 1) times the sum of |terms|: the worst-case float32 rounding of any
    /// summation order (the + 1 covers an accumulated starting value or bias).
    /// </summary>
    public static double[] Bound(double[] abs, int[] terms)
    {
        const double u = 1.0 / (1 << 24);
        var atol = new double[abs.Length];
        for (int i = 0; i < abs.Length; i++)
        {
            double n = terms[i] + 1;
            atol[i] = n * u / (1 - n * u) * abs[i];
        }
        return atol;
    }

    /// <summary>y = conv(x, w) + bias, and each output's rounding bound.</summary>
    public static (double[] Y, double[] Atol) Forward(Conv2dGeometry g, int batch, float[] x, float[] w,
        float[]? bias)
    {
        var y = new double[batch * g.OutSize];
        var abs = new double[y.Length];
        var terms = new int[y.Length];
        int plane = g.OutHeight * g.OutWidth;
        if (bias is not null)
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = bias[i / plane % g.OutChannels];
                abs[i] = Math.Abs(y[i]);
            }
        var links = Connections(g);
        for (int n = 0; n < batch; n++)
            foreach (var (xi, yi, wi) in links)
            {
                double term = (double)x[n * g.InSize + xi] * w[wi];
                y[n * g.OutSize + yi] += term;
                abs[n * g.OutSize + yi] += Math.Abs(term);
                terms[n * g.OutSize + yi]++;
            }
        return (y, Bound(abs, terms));
    }

    /// <summary>dx of the convolution given dy, and each element's rounding bound.</summary>
    public static (double[] Dx, double[] Atol) BackwardInput(Conv2dGeometry g, int batch, float[] dy,
        float[] w)
    {
        var dx = new double[batch * g.InSize];
        var abs = new double[dx.Length];
        var terms = new int[dx.Length];
        var links = Connections(g);
        for (int n = 0; n < batch; n++)
            foreach (var (xi, yi, wi) in links)
            {
                double term = (double)dy[n * g.OutSize + yi] * w[wi];
                dx[n * g.InSize + xi] += term;
                abs[n * g.InSize + xi] += Math.Abs(term);
                terms[n * g.InSize + xi]++;
            }
        return (dx, Bound(abs, terms));
    }

    /// <summary>dw0 + dW and dbias0 + dbias of the convolution, with their rounding bounds.</summary>
    public static (double[] Dw, double[] DwAtol, double[] Db, double[] DbAtol) BackwardWeights(
        Conv2dGeometry g, int batch, float[] x, float[] dy, float[] dw0, float[] db0)
    {
        var dw = Array.ConvertAll(dw0, v => (double)v);
        var dwAbs = Array.ConvertAll(dw0, v => Math.Abs((double)v));
        var db = Array.ConvertAll(db0, v => (double)v);
        var dbAbs = Array.ConvertAll(db0, v => Math.Abs((double)v));
        var dwTerms = new int[dw.Length];
        var dbTerms = new int[db.Length];
        var links = Connections(g);
        for (int n = 0; n < batch; n++)
            foreach (var (xi, yi, wi) in links)
            {
                double term = (double)x[n * g.InSize + xi] * dy[n * g.OutSize + yi];
                dw[wi] += term;
                dwAbs[wi] += Math.Abs(term);
                dwTerms[wi]++;
            }
        int plane = g.OutHeight * g.OutWidth;
        for (int i = 0; i < batch * g.OutSize; i++)
        {
            db[i / plane % g.OutChannels] += dy[i];
            dbAbs[i / plane % g.OutChannels] += Math.Abs(dy[i]);
            dbTerms[i / plane % g.OutChannels]++;
        }
        return (dw, Bound(dwAbs, dwTerms), db, Bound(dbAbs, dbTerms));
    }
}
