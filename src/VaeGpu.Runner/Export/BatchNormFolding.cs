// Folds a batch norm in eval form, y = gamma (x - mean) / sqrt(var + eps) + beta per channel, into the
// convolution or Linear before it, so the exported graph has no BatchNormalization node: per output
// channel c, W'[c] = s[c] W[c] and b'[c] = s[c] (b[c] - mean[c]) + beta[c] with s = gamma / sqrt(var + eps).
// Computed in float64 and rounded once, so the folded weights are as close to the pair as float32 allows.
namespace VaeGpu.Runner.Export;

/// <summary>Folds eval-mode batch norm statistics into the weight and bias of the layer before it.</summary>
public static class BatchNormFolding
{
    /// <summary>
    /// Returns (W', b') for a weight of <paramref name="shape"/> whose output channels lie on
    /// <paramref name="channelAxis"/> (0 for nn.Conv2d and nn.Linear, 1 for nn.ConvTranspose2d).
    /// </summary>
    public static (float[] Weight, float[] Bias) Fold(ReadOnlySpan<float> weight, IReadOnlyList<int> shape,
        int channelAxis, ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (channelAxis < 0 || channelAxis >= shape.Count)
            throw new ArgumentOutOfRangeException(nameof(channelAxis),
                $"channel axis {channelAxis} outside a {shape.Count}-D weight");
        int channels = shape[channelAxis];
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (weight.Length != count)
            throw new ArgumentException($"weight holds {weight.Length} floats, its shape {count}",
                nameof(weight));
        foreach (var (length, name) in new[] { (gamma.Length, "gamma"), (beta.Length, "beta"),
            (mean.Length, "mean"), (variance.Length, "variance") })
            if (length != channels)
                throw new ArgumentException($"{name} holds {length}, {channels} channels");
        if (!bias.IsEmpty && bias.Length != channels)
            throw new ArgumentException($"bias holds {bias.Length}, {channels} channels", nameof(bias));
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon {epsilon}");
        return FoldCore(weight, shape, channelAxis, bias, gamma, beta, mean, variance, epsilon);
    }

    private static (float[], float[]) FoldCore(ReadOnlySpan<float> weight, IReadOnlyList<int> shape,
        int channelAxis, ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon)
    {
        int channels = shape[channelAxis];
        var scale = new double[channels];
        var folded = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt((double)variance[c] + epsilon);
            double b = bias.IsEmpty ? 0 : bias[c];
            folded[c] = (float)(scale[c] * (b - mean[c]) + beta[c]);
        }
        // Element index = (outer * channels + c) * inner + rest, for the axes before and after channelAxis.
        int inner = 1;
        for (int axis = channelAxis + 1; axis < shape.Count; axis++) inner *= shape[axis];
        var result = new float[weight.Length];
        for (int i = 0; i < weight.Length; i++)
            result[i] = (float)(weight[i] * scale[i / inner % channels]);
        return (result, folded);
    }
}
