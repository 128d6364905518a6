// The ops the GANs add to the set: uniform noise from the same Philox stream the normals use, an
// affine map (images from [0, 1] to [-1, 1]) and the least-squares loss with its gradient. Checked
// here once for every backend, like the rest of the op set.
namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// destination[i] = low + (high - low) u_i for i &lt; n, where u_i = (top 24 bits of Philox word i % 4
    /// of block i / 4 of (seed, stream)) / 2^24 in [0, 1); see <see cref="Random.Philox.Uniform"/>.
    /// </summary>
    public void FillUniform(BufferView<float> destination, int n, float low, float high, ulong seed,
        ulong stream)
    {
        CheckPositive(n); CheckView(destination, n);
        if (!float.IsFinite(low) || !float.IsFinite(high) || !(high > low))
            throw new ArgumentOutOfRangeException(nameof(high),
                $"need finite low < high, got [{low}, {high})");
        FillUniformCore(destination, n, low, high, seed, stream);
    }

    /// <summary>y[i] = scale x[i] + shift for i &lt; n; y may be x (in place).</summary>
    public void Affine(BufferView<float> x, BufferView<float> y, int n, float scale, float shift)
    {
        CheckPositive(n); CheckView(x, n); CheckView(y, n);
        if (Overlaps(x, y) && x.Offset != y.Offset)
            throw new ArgumentException("y partially overlaps x", nameof(y));
        AffineCore(x, y, n, scale, shift);
    }

    /// <summary>
    /// Least squares against targets: rowLoss[r] = 0.5 sum over cols of (p - t)^2; if dpred is given,
    /// dpred = gradScale (p - t). All matrices are rows x cols.
    /// </summary>
    public void SquaredError(BufferView<float> predictions, BufferView<float> targets, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dpred, float gradScale)
    {
        CheckLoss(predictions, targets, rows, cols, rowLoss, dpred);
        SquaredErrorCore(predictions, targets, rows, cols, rowLoss, dpred, gradScale);
    }

    /// <summary>Backend uniform fill; arguments checked.</summary>
    protected abstract void FillUniformCore(BufferView<float> destination, int n, float low, float high,
        ulong seed, ulong stream);
    /// <summary>Backend affine map; arguments checked.</summary>
    protected abstract void AffineCore(BufferView<float> x, BufferView<float> y, int n, float scale,
        float shift);
    /// <summary>Backend least squares; arguments checked.</summary>
    protected abstract void SquaredErrorCore(BufferView<float> predictions, BufferView<float> targets,
        int rows, int cols, BufferView<float> rowLoss, BufferView<float> dpred, float gradScale);
}
