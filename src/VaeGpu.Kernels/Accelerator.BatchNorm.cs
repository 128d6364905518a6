// Batch normalisation of the op set, checked once here. x is (batch, channels, spatial) in NCHW order:
// spatial = H W for nn.BatchNorm2d and 1 for nn.BatchNorm1d over features. Training mode normalises
// with the batch's mean and biased variance and moves the running estimates (unbiased variance) by
// momentum; eval mode uses the running estimates. Both save mean and 1/sqrt(var + eps) for backward.
namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// y = (x - mean) / sqrt(var + eps) gamma + beta per channel; with <paramref name="training"/> the
    /// batch statistics are used and running = (1 - momentum) running + momentum batch (unbiased variance).
    /// </summary>
    public void BatchNormForward(bool training, int batch, int channels, int spatial, BufferView<float> x,
        BufferView<float> gamma, BufferView<float> beta, BufferView<float> runningMean,
        BufferView<float> runningVar, BufferView<float> saveMean, BufferView<float> saveInvStd,
        BufferView<float> y, float momentum = 0.1f, float eps = 1e-5f)
    {
        CheckBatchNorm(training, batch, channels, spatial, x, y);
        CheckView(gamma, channels); CheckView(beta, channels);
        CheckView(runningMean, channels); CheckView(runningVar, channels);
        CheckView(saveMean, channels); CheckView(saveInvStd, channels);
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum),
                $"momentum must be in [0, 1], got {momentum}");
        if (!(eps > 0) || !float.IsFinite(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be positive, got {eps}");
        if (Overlaps(y, x) && y.Offset != x.Offset)
            throw new ArgumentException("y partially overlaps x", nameof(y));
        CheckNoOverlap(saveMean, saveInvStd); CheckNoOverlap(runningMean, runningVar);
        BatchNormForwardCore(training, batch, channels, spatial, x, gamma, beta, runningMean, runningVar,
            saveMean, saveInvStd, y, momentum, eps);
    }

    /// <summary>
    /// dx = the gradient of <see cref="BatchNormForward"/> (through the batch statistics when
    /// <paramref name="training"/>); dgamma += sum dy xhat and dbeta += sum dy per channel.
    /// </summary>
    public void BatchNormBackward(bool training, int batch, int channels, int spatial, BufferView<float> x,
        BufferView<float> dy, BufferView<float> gamma, BufferView<float> saveMean,
        BufferView<float> saveInvStd, BufferView<float> dx, BufferView<float> dgamma, BufferView<float> dbeta)
    {
        CheckBatchNorm(training, batch, channels, spatial, x, dy);
        CheckView(dx, (long)batch * channels * spatial);
        CheckView(gamma, channels); CheckView(saveMean, channels); CheckView(saveInvStd, channels);
        CheckView(dgamma, channels); CheckView(dbeta, channels);
        CheckNoOverlap(dx, x); CheckNoOverlap(dx, dy); CheckNoOverlap(dgamma, dbeta);
        BatchNormBackwardCore(training, batch, channels, spatial, x, dy, gamma, saveMean, saveInvStd, dx,
            dgamma, dbeta);
    }

    private void CheckBatchNorm(bool training, int batch, int channels, int spatial, BufferView<float> x,
        BufferView<float> y)
    {
        CheckPositive(batch); CheckPositive(channels); CheckPositive(spatial);
        if (training && (long)batch * spatial < 2)
            throw new ArgumentException(
                $"batch norm in training needs more than 1 value per channel, got batch {batch} x {spatial}");
        CheckView(x, (long)batch * channels * spatial);
        CheckView(y, (long)batch * channels * spatial);
    }

    /// <summary>Backend batch norm forward; arguments checked.</summary>
    protected virtual void BatchNormForwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> gamma, BufferView<float> beta, BufferView<float> runningMean,
        BufferView<float> runningVar, BufferView<float> saveMean, BufferView<float> saveInvStd,
        BufferView<float> y, float momentum, float eps) => throw NotYet(nameof(BatchNormForward));

    /// <summary>Backend batch norm backward; arguments checked.</summary>
    protected virtual void BatchNormBackwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> dy, BufferView<float> gamma, BufferView<float> saveMean,
        BufferView<float> saveInvStd, BufferView<float> dx, BufferView<float> dgamma,
        BufferView<float> dbeta) => throw NotYet(nameof(BatchNormBackward));
}
