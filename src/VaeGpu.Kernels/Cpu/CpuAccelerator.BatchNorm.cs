// Batch normalisation on the CPU backend, range-parallel over channels. Per-channel statistics are
// summed in float64 in sample order (two passes: mean, then squared deviations), so they are
// accurate and independent of the thread count; the element-wise passes are float32. All in vector
// lanes: four feature channels side by side, or one plane's run split into lanes.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void BatchNormForwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> gamma, BufferView<float> beta, BufferView<float> runningMean,
        BufferView<float> runningVar, BufferView<float> saveMean, BufferView<float> saveInvStd,
        BufferView<float> y, float momentum, float eps) =>
        Dispatch(new BatchNormForwardWork(training, batch, channels, spatial, Ptr(x), Ptr(gamma), Ptr(beta),
            Ptr(runningMean), Ptr(runningVar), Ptr(saveMean), Ptr(saveInvStd), Ptr(y), momentum, eps),
            channels, 1, 3L * batch * spatial);

    /// <inheritdoc/>
    protected override void BatchNormBackwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> dy, BufferView<float> gamma, BufferView<float> saveMean,
        BufferView<float> saveInvStd, BufferView<float> dx, BufferView<float> dgamma,
            BufferView<float> dbeta) =>
        Dispatch(new BatchNormBackwardWork(training, batch, channels, spatial, Ptr(x), Ptr(dy), Ptr(gamma),
            Ptr(saveMean), Ptr(saveInvStd), Ptr(dx), Ptr(dgamma), Ptr(dbeta)),
            channels, 1, 3L * batch * spatial);

    // Channels [begin, end). x, y: (batch, channels, spatial); the rest: (channels). Over features
    // (spatial 1) four channels share the vector lanes, each summed in sample order as a scalar loop
    // would; over planes the lanes split each plane's run (BatchNormSums).
    private readonly struct BatchNormForwardWork(bool training, int batch, int channels, int spatial,
        float* x, float* gamma, float* beta, float* runningMean, float* runningVar, float* saveMean,
        float* saveInvStd, float* y, float momentum, float eps) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            int channel = begin;
            if (spatial == 1 && Avx.IsSupported)
                for (; channel + 4 <= end; channel += 4) FeatureLanes(channel);
            for (; channel < end; channel++) Channel(channel);
        }

        private void Channel(int channel)
        {
            long count = (long)batch * spatial;
            double mean, variance;
            if (training)
            {
                double sum = 0, squares = 0;
                for (int sample = 0; sample < batch; sample++)
                    sum += BatchNormSums.Sum(x + ((long)sample * channels + channel) * spatial, spatial);
                mean = sum / count;
                for (int sample = 0; sample < batch; sample++)
                {
                    float* row = x + ((long)sample * channels + channel) * spatial;
                    squares += BatchNormSums.Squares(row, spatial, mean);
                }
                variance = squares / count;
                Running(channel, mean, variance, count);
            }
            else
            {
                mean = runningMean[channel];
                variance = runningVar[channel];
            }
            float m = (float)mean, invStd = (float)(1 / Math.Sqrt(variance + eps));
            saveMean[channel] = m;
            saveInvStd[channel] = invStd;
            float scale = gamma[channel] * invStd, shift = beta[channel];
            for (int sample = 0; sample < batch; sample++)
            {
                long at = ((long)sample * channels + channel) * spatial;
                int p = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var vm = Vector256.Create(m);
                    var vs = Vector256.Create(scale);
                    var vb = Vector256.Create(shift);
                    for (; p + 8 <= spatial; p += 8)
                        ((Vector256.Load(x + at + p) - vm) * vs + vb).Store(y + at + p);
                }
                for (; p < spatial; p++) y[at + p] = (x[at + p] - m) * scale + shift;
            }
        }

        // The running variance is the unbiased estimate, as in PyTorch.
        private void Running(int channel, double mean, double variance, long count)
        {
            runningMean[channel] = (float)((1 - momentum) * runningMean[channel] + momentum * mean);
            runningVar[channel] = (float)((1 - momentum) * runningVar[channel]
                + momentum * variance * count / (count - 1));
        }

        // Channels [c, c + 4) of features (spatial 1): the scalar arithmetic of Channel, lane by lane.
        private void FeatureLanes(int c)
        {
            Vector256<double> mean, variance;
            if (training)
            {
                var sum = Vector256<double>.Zero;
                for (int sample = 0; sample < batch; sample++)
                    sum += Avx.ConvertToVector256Double(Vector128.Load(x + (long)sample * channels + c));
                mean = sum / Vector256.Create((double)batch);
                var squares = Vector256<double>.Zero;
                for (int sample = 0; sample < batch; sample++)
                {
                    var row = Vector128.Load(x + (long)sample * channels + c);
                    var d = Avx.ConvertToVector256Double(row) - mean;
                    squares += d * d;
                }
                variance = squares / Vector256.Create((double)batch);
                for (int lane = 0; lane < 4; lane++) Running(c + lane, mean[lane], variance[lane], batch);
            }
            else
            {
                mean = Avx.ConvertToVector256Double(Vector128.Load(runningMean + c));
                variance = Avx.ConvertToVector256Double(Vector128.Load(runningVar + c));
            }
            var m = Avx.ConvertToVector128Single(mean);
            var invStd = Avx.ConvertToVector128Single(Vector256<double>.One
                / Vector256.Sqrt(variance + Vector256.Create((double)eps)));
            m.Store(saveMean + c);
            invStd.Store(saveInvStd + c);
            var scale = Vector128.Load(gamma + c) * invStd;
            var shift = Vector128.Load(beta + c);
            for (int sample = 0; sample < batch; sample++)
            {
                long at = (long)sample * channels + c;
                ((Vector128.Load(x + at) - m) * scale + shift).Store(y + at);
            }
        }
    }

    // Channels [begin, end). Training: dx = gamma invStd (dy - mean(dy) - xhat mean(dy xhat)); eval:
    // dx = gamma invStd dy. dgamma += sum dy xhat, dbeta += sum dy (sums in float64; lanes as forward).
    private readonly struct BatchNormBackwardWork(bool training, int batch, int channels, int spatial,
        float* x, float* dy, float* gamma, float* saveMean, float* saveInvStd, float* dx, float* dgamma,
        float* dbeta) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            int channel = begin;
            if (spatial == 1 && Avx.IsSupported)
                for (; channel + 4 <= end; channel += 4) FeatureLanes(channel);
            for (; channel < end; channel++) Channel(channel);
        }

        private void Channel(int channel)
        {
            long count = (long)batch * spatial;
            float mean = saveMean[channel], invStd = saveInvStd[channel];
            double sumDy = 0, sumDyXhat = 0;
            for (int sample = 0; sample < batch; sample++)
            {
                long at = ((long)sample * channels + channel) * spatial;
                var (dySum, dyXhatSum) = BatchNormSums.Gradient(x + at, dy + at, spatial, mean, invStd);
                sumDy += dySum;
                sumDyXhat += dyXhatSum;
            }
            dgamma[channel] += (float)sumDyXhat;
            dbeta[channel] += (float)sumDy;
            float scale = gamma[channel] * invStd;
            float meanDy = training ? (float)(sumDy / count) : 0f;
            float meanDyXhat = training ? (float)(sumDyXhat / count) : 0f;
            for (int sample = 0; sample < batch; sample++)
            {
                long at = ((long)sample * channels + channel) * spatial;
                int p = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var vm = Vector256.Create(mean); var vi = Vector256.Create(invStd);
                    var vs = Vector256.Create(scale); var vdy = Vector256.Create(meanDy);
                    var vdx = Vector256.Create(meanDyXhat);
                    for (; p + 8 <= spatial; p += 8)
                    {
                        var xhat = (Vector256.Load(x + at + p) - vm) * vi;
                        (vs * (Vector256.Load(dy + at + p) - vdy - xhat * vdx)).Store(dx + at + p);
                    }
                }
                for (; p < spatial; p++)
                {
                    float xhat = (x[at + p] - mean) * invStd;
                    dx[at + p] = scale * (dy[at + p] - meanDy - xhat * meanDyXhat);
                }
            }
        }

        // Channels [c, c + 4) of features (spatial 1): the scalar arithmetic of Channel, lane by lane.
        private void FeatureLanes(int c)
        {
            var mean = Vector128.Load(saveMean + c);
            var invStd = Vector128.Load(saveInvStd + c);
            Vector256<double> sumDy = Vector256<double>.Zero, sumDyXhat = Vector256<double>.Zero;
            for (int sample = 0; sample < batch; sample++)
            {
                long at = (long)sample * channels + c;
                var g = Avx.ConvertToVector256Double(Vector128.Load(dy + at));
                sumDy += g;
                sumDyXhat += g * Avx.ConvertToVector256Double((Vector128.Load(x + at) - mean) * invStd);
            }
            (Vector128.Load(dgamma + c) + Avx.ConvertToVector128Single(sumDyXhat)).Store(dgamma + c);
            (Vector128.Load(dbeta + c) + Avx.ConvertToVector128Single(sumDy)).Store(dbeta + c);
            var scale = Vector128.Load(gamma + c) * invStd;
            var count = Vector256.Create((double)batch);
            var meanDy = training ? Avx.ConvertToVector128Single(sumDy / count) : Vector128<float>.Zero;
            var meanDyXhat = training ? Avx.ConvertToVector128Single(sumDyXhat / count)
                : Vector128<float>.Zero;
            for (int sample = 0; sample < batch; sample++)
            {
                long at = (long)sample * channels + c;
                var xhat = (Vector128.Load(x + at) - mean) * invStd;
                (scale * (Vector128.Load(dy + at) - meanDy - xhat * meanDyXhat)).Store(dx + at);
            }
        }
    }
}

/// <summary>Float64 sums over one plane's run for batch normalisation: four lanes of 4 doubles over
/// 16-float steps, combined in a fixed order, then the tail; the same for any thread count.</summary>
internal static unsafe class BatchNormSums
{
    public static double Sum(float* v, int n)
    {
        int p = 0;
        double total = 0;
        if (Avx.IsSupported && n >= 16)
        {
            Vector256<double> a = default, b = default, c = default, d = default;
            for (; p + 16 <= n; p += 16)
            {
                a += Avx.ConvertToVector256Double(Vector128.Load(v + p));
                b += Avx.ConvertToVector256Double(Vector128.Load(v + p + 4));
                c += Avx.ConvertToVector256Double(Vector128.Load(v + p + 8));
                d += Avx.ConvertToVector256Double(Vector128.Load(v + p + 12));
            }
            total = Vector256.Sum((a + b) + (c + d));
        }
        for (; p < n; p++) total += v[p];
        return total;
    }

    public static double Squares(float* v, int n, double mean)
    {
        int p = 0;
        double total = 0;
        if (Avx.IsSupported && n >= 16)
        {
            var m = Vector256.Create(mean);
            Vector256<double> a = default, b = default, c = default, d = default;
            for (; p + 16 <= n; p += 16)
            {
                var e = Avx.ConvertToVector256Double(Vector128.Load(v + p)) - m;
                var f = Avx.ConvertToVector256Double(Vector128.Load(v + p + 4)) - m;
                var g = Avx.ConvertToVector256Double(Vector128.Load(v + p + 8)) - m;
                var h = Avx.ConvertToVector256Double(Vector128.Load(v + p + 12)) - m;
                a += e * e; b += f * f; c += g * g; d += h * h;
            }
            total = Vector256.Sum((a + b) + (c + d));
        }
        for (; p < n; p++) total += (v[p] - mean) * (v[p] - mean);
        return total;
    }

    // (sum dy, sum dy xhat) with xhat = (x - mean) invStd in float32, as the element-wise pass uses it.
    public static (double Dy, double DyXhat) Gradient(float* x, float* dy, int n, float mean, float invStd)
    {
        int p = 0;
        double sumDy = 0, sumDyXhat = 0;
        if (Avx.IsSupported && n >= 8)
        {
            var vm = Vector128.Create(mean); var vi = Vector128.Create(invStd);
            Vector256<double> a = default, b = default, c = default, d = default;
            for (; p + 8 <= n; p += 8)
            {
                var g0 = Avx.ConvertToVector256Double(Vector128.Load(dy + p));
                var g1 = Avx.ConvertToVector256Double(Vector128.Load(dy + p + 4));
                a += g0; b += g1;
                c += g0 * Avx.ConvertToVector256Double((Vector128.Load(x + p) - vm) * vi);
                d += g1 * Avx.ConvertToVector256Double((Vector128.Load(x + p + 4) - vm) * vi);
            }
            sumDy = Vector256.Sum(a + b);
            sumDyXhat = Vector256.Sum(c + d);
        }
        for (; p < n; p++)
        {
            sumDy += dy[p];
            sumDyXhat += (double)dy[p] * ((x[p] - mean) * invStd);
        }
        return (sumDy, sumDyXhat);
    }
}
