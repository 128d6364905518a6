// Batch normalisation kernels, one work-item per channel (the channel's statistics and its elements
// in one fixed order; simple and reproducible, parallel over channels only). x, y, dy, dx:
// (batch, channels, spatial); the rest: (channels).
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Kernels;

/// <summary>Batch norm forward and backward kernels.</summary>
internal static partial class BatchNormKernels
{
    /// <summary>
    /// Statistics (batch ones and running update when training, else the running ones), saved mean and
    /// 1/sqrt(var + eps), then y = (x - mean) invStd gamma + beta; y may be x.
    /// </summary>
    [Kernel]
    public static void BatchNormForward(KernelContext k, Buf<float> y, Buf<float> saveMean,
        Buf<float> saveInvStd,
        Buf<float> runningMean, Buf<float> runningVar, Buf<float> x, Buf<float> gamma, Buf<float> beta,
        int training, int batch, int channels, int spatial, float momentum, float eps)
    {
        int channel = k.GlobalId(0);
        if (channel < channels)
        {
            float count = (float)(batch * spatial);
            float mean = runningMean[channel];
            float variance = runningVar[channel];
            if (training != 0)
            {
                float sum = 0.0f;
                for (int sample = 0; sample < batch; sample++)
                    for (int p = 0; p < spatial; p++) sum += x[(sample * channels + channel) * spatial + p];
                mean = sum / count;
                float squares = 0.0f;
                for (int sample = 0; sample < batch; sample++)
                {
                    for (int p = 0; p < spatial; p++)
                    {
                        float d = x[(sample * channels + channel) * spatial + p] - mean;
                        squares += d * d;
                    }
                }
                variance = squares / count;
                // The running variance is the unbiased estimate, as in PyTorch.
                runningMean[channel] = (1.0f - momentum) * runningMean[channel] + momentum * mean;
                runningVar[channel] = (1.0f - momentum) * runningVar[channel]
                    + momentum * variance * count / (count - 1.0f);
            }
            float invStd = 1.0f / KMath.Sqrt(variance + eps);
            saveMean[channel] = mean;
            saveInvStd[channel] = invStd;
            float scale = gamma[channel] * invStd;
            float shift = beta[channel];
            for (int sample = 0; sample < batch; sample++)
            {
                for (int p = 0; p < spatial; p++)
                {
                    int at = (sample * channels + channel) * spatial + p;
                    y[at] = (x[at] - mean) * scale + shift;
                }
            }
        }
    }

    /// <summary>
    /// dgamma += sum dy xhat, dbeta += sum dy; dx = gamma invStd (dy - mean(dy) - xhat mean(dy xhat))
    /// when training, gamma invStd dy in eval mode.
    /// </summary>
    [Kernel]
    public static void BatchNormBackward(KernelContext k, Buf<float> dx, Buf<float> dgamma, Buf<float> dbeta,
        Buf<float> x, Buf<float> dy, Buf<float> gamma, Buf<float> saveMean, Buf<float> saveInvStd,
            int training,
        int batch, int channels, int spatial)
    {
        int channel = k.GlobalId(0);
        if (channel < channels)
        {
            float count = (float)(batch * spatial);
            float mean = saveMean[channel];
            float invStd = saveInvStd[channel];
            float sumDy = 0.0f;
            float sumDyXhat = 0.0f;
            for (int sample = 0; sample < batch; sample++)
            {
                for (int p = 0; p < spatial; p++)
                {
                    int at = (sample * channels + channel) * spatial + p;
                    sumDy += dy[at];
                    sumDyXhat += dy[at] * ((x[at] - mean) * invStd);
                }
            }
            dgamma[channel] += sumDyXhat;
            dbeta[channel] += sumDy;
            float scale = gamma[channel] * invStd;
            float meanDy = training != 0 ? sumDy / count : 0.0f;
            float meanDyXhat = training != 0 ? sumDyXhat / count : 0.0f;
            for (int sample = 0; sample < batch; sample++)
            {
                for (int p = 0; p < spatial; p++)
                {
                    int at = (sample * channels + channel) * spatial + p;
                    float xhat = (x[at] - mean) * invStd;
                    dx[at] = scale * (dy[at] - meanDy - xhat * meanDyXhat);
                }
            }
        }
    }
}
