// Batch normalisation on the CPU backend, range-parallel over channels. Per-channel statistics are
// summed in float64 in sample order (two passes: mean, then squared deviations), so they are
// accurate and independent of the thread count; the element-wise passes are float32.
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

    // Channels [begin, end). x, y: (batch, channels, spatial); the rest: (channels).
    private readonly struct BatchNormForwardWork(bool training, int batch, int channels, int spatial,
        float* x, float* gamma, float* beta, float* runningMean, float* runningVar, float* saveMean,
        float* saveInvStd, float* y, float momentum, float eps) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            long count = (long)batch * spatial;
            for (int channel = begin; channel < end; channel++)
            {
                double mean, variance;
                if (training)
                {
                    double sum = 0, squares = 0;
                    for (int sample = 0; sample < batch; sample++)
                    {
                        float* row = x + ((long)sample * channels + channel) * spatial;
                        for (int p = 0; p < spatial; p++) sum += row[p];
                    }
                    mean = sum / count;
                    for (int sample = 0; sample < batch; sample++)
                    {
                        float* row = x + ((long)sample * channels + channel) * spatial;
                        for (int p = 0; p < spatial; p++) squares += (row[p] - mean) * (row[p] - mean);
                    }
                    variance = squares / count;
                    // The running variance is the unbiased estimate, as in PyTorch.
                    runningMean[channel] = (float)((1 - momentum) * runningMean[channel] + momentum * mean);
                    runningVar[channel] = (float)((1 - momentum) * runningVar[channel]
                        + momentum * variance * count / (count - 1));
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
                    for (int p = 0; p < spatial; p++) y[at + p] = (x[at + p] - m) * scale + shift;
                }
            }
        }
    }

    // Channels [begin, end). Training: dx = gamma invStd (dy - mean(dy) - xhat mean(dy xhat)); eval:
    // dx = gamma invStd dy. dgamma += sum dy xhat, dbeta += sum dy (sums in float64, sample order).
    private readonly struct BatchNormBackwardWork(bool training, int batch, int channels, int spatial,
        float* x, float* dy, float* gamma, float* saveMean, float* saveInvStd, float* dx, float* dgamma,
        float* dbeta) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            long count = (long)batch * spatial;
            for (int channel = begin; channel < end; channel++)
            {
                float mean = saveMean[channel], invStd = saveInvStd[channel];
                double sumDy = 0, sumDyXhat = 0;
                for (int sample = 0; sample < batch; sample++)
                {
                    long at = ((long)sample * channels + channel) * spatial;
                    for (int p = 0; p < spatial; p++)
                    {
                        sumDy += dy[at + p];
                        sumDyXhat += (double)dy[at + p] * ((x[at + p] - mean) * invStd);
                    }
                }
                dgamma[channel] += (float)sumDyXhat;
                dbeta[channel] += (float)sumDy;
                float scale = gamma[channel] * invStd;
                float meanDy = training ? (float)(sumDy / count) : 0f;
                float meanDyXhat = training ? (float)(sumDyXhat / count) : 0f;
                for (int sample = 0; sample < batch; sample++)
                {
                    long at = ((long)sample * channels + channel) * spatial;
                    for (int p = 0; p < spatial; p++)
                    {
                        float xhat = (x[at + p] - mean) * invStd;
                        dx[at + p] = scale * (dy[at + p] - meanDy - xhat * meanDyXhat);
                    }
                }
            }
        }
    }
}
