// Softmax cross-entropy of a classifier's logits, on the host. With 10 classes the logits of a batch
// are 128 x 10 floats (5 KB): copying them to the host and the gradient back costs far less than a
// step's GEMMs, whereas a device op would have to be written for every backend and its conformance
// suite. Max-subtracted log-sum-exp keeps exp from overflowing for any logits.
namespace VaeGpu.Runner.Evaluation;

/// <summary>Mean softmax cross-entropy and its gradient with respect to the logits.</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Returns the sum over rows of -log softmax(logits[row])[labels[row]] and assigns dlogits =
    /// gradScale (softmax(logits) - onehot(labels)); logits and dlogits are rows x classes (they may be
    /// the same span).
    /// </summary>
    public static double LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows,
        int classes, Span<float> dlogits, float gradScale)
    {
        if (rows <= 0 || classes <= 0)
            throw new ArgumentOutOfRangeException(nameof(rows),
                $"shape ({rows}, {classes}) must be positive");
        if (logits.Length < rows * classes || dlogits.Length < rows * classes || labels.Length < rows)
            throw new ArgumentException(
                $"({rows}, {classes}) needs {rows * classes} logits and gradients and {rows} labels; got " +
                $"{logits.Length}, {dlogits.Length} and {labels.Length}");
        double total = 0;
        for (int row = 0; row < rows; row++)
        {
            int label = labels[row];
            if ((uint)label >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels),
                    $"label {label} of row {row} is not in [0, {classes})");
            var z = logits.Slice(row * classes, classes);
            float max = z[0];
            for (int c = 1; c < classes; c++) max = Math.Max(max, z[c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(z[c] - max);
            double logSum = max + Math.Log(sum);
            total += logSum - z[label];
            var dz = dlogits.Slice(row * classes, classes);
            for (int c = 0; c < classes; c++)
            {
                double p = Math.Exp(z[c] - logSum); // read z[c] before dz[c] overwrites it (in place)
                dz[c] = (float)(gradScale * (p - (c == label ? 1 : 0)));
            }
        }
        return total;
    }

    /// <summary>The index of the largest of <paramref name="classes"/> logits of each row.</summary>
    public static void ArgMax(ReadOnlySpan<float> logits, int rows, int classes, Span<int> result)
    {
        for (int row = 0; row < rows; row++)
        {
            var z = logits.Slice(row * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (z[c] > z[best]) best = c;
            result[row] = best;
        }
    }
}
