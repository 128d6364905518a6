// The GAN ops on the CPU backend: uniform noise by Philox blocks (counter-based, so any split of the
// blocks over workers gives the same values), the affine map, and least squares one row per item.
using VaeGpu.Kernels.Random;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void FillUniformCore(BufferView<float> destination, int n, float low, float high,
        ulong seed, ulong stream) =>
        Dispatch(new UniformWork(Ptr(destination), n, low, high, seed, stream), (n + 3) / 4, 16,
            PhiloxWeight);

    // Blocks [begin, end) of four uniforms into destination (n): low + (high - low) (word >> 8) / 2^24.
    private readonly struct UniformWork(float* destination, int n, float low, float high, ulong seed,
        ulong stream) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            const float Inv24 = 1.0f / 16777216.0f;
            float width = high - low;
            for (int block = begin; block < end; block++)
            {
                var (x0, x1, x2, x3) = Philox.Generate((uint)block, 0, (uint)stream, (uint)(stream >> 32),
                    (uint)seed, (uint)(seed >> 32));
                int i = block * 4;
                destination[i] = low + width * ((x0 >> 8) * Inv24);
                if (i + 1 < n) destination[i + 1] = low + width * ((x1 >> 8) * Inv24);
                if (i + 2 < n) destination[i + 2] = low + width * ((x2 >> 8) * Inv24);
                if (i + 3 < n) destination[i + 3] = low + width * ((x3 >> 8) * Inv24);
            }
        }
    }

    /// <inheritdoc/>
    protected override void AffineCore(BufferView<float> x, BufferView<float> y, int n, float scale,
        float shift) =>
        Dispatch(new AffineWork(Ptr(x), Ptr(y), scale, shift), n, 64, 1);

    // y = scale x + shift over (n); y may be x.
    private readonly struct AffineWork(float* x, float* y, float scale, float shift) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int i = begin; i < end; i++) y[i] = scale * x[i] + shift;
        }
    }

    /// <inheritdoc/>
    protected override void SquaredErrorCore(BufferView<float> predictions, BufferView<float> targets,
        int rows, int cols, BufferView<float> rowLoss, BufferView<float> dpred, float gradScale) =>
        Dispatch(new SquaredErrorWork(Ptr(predictions), Ptr(targets), Ptr(rowLoss), OrNull(dpred), cols,
            gradScale), rows, 1, (long)cols * 2);

    // Rows [begin, end): rowLoss = 0.5 sum (p - t)^2, left to right like the kernel; dpred = scale (p - t).
    private readonly struct SquaredErrorWork(float* pred, float* targets, float* rowLoss, float* dpred,
        int cols, float gradScale) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int row = begin; row < end; row++)
            {
                float sum = 0;
                for (int col = 0; col < cols; col++)
                {
                    long at = (long)row * cols + col;
                    float diff = pred[at] - targets[at];
                    sum += 0.5f * diff * diff;
                    if (dpred != null) dpred[at] = gradScale * diff;
                }
                rowLoss[row] = sum;
            }
        }
    }
}
