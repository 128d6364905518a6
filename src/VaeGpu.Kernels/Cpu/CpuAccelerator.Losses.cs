// Losses with their gradients and the fixed-order sum on the CPU backend. Rows are split over
// the workers; each row is summed by one worker in a fixed order (8 SIMD lanes left to right,
// the lanes added by Vector256.Sum, then the tail), so per-row losses never depend on the
// thread count. BCE's and MSE-on-sigmoid's exp is CpuMath.Exp (the device kernels' own exp, bit for
// bit; the BCE kernel also shares the formulas, so the gradients that train a GAN match); the KL's
// exp is MathF's and Log is Vector256's (CpuMathTests measures it at max 2.3 ulp).
using System.Runtime.Intrinsics;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void BceWithLogitsCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        var work = new BceWork(Ptr(logits), Ptr(targets), Ptr(rowLoss), OrNull(dlogits), cols, gradScale);
        Dispatch(work, rows, 1, (long)cols * 8);
    }

    // Stable BCE on logits: max(l, 0) - l x + log(1 + e) with e = exp(-|l|) <= 1, so no exp overflows;
    // the same e gives sigmoid(l) = 1 / (1 + e) for l >= 0 and e / (1 + e) for l < 0.
    // logits, targets, dlogits: (rows, cols); rowLoss: (rows); dlogits may be null (no gradient).
    private readonly struct BceWork(float* logits, float* targets, float* rowLoss, float* dlogits, int cols,
        float gradScale) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            var vscale = Vector256.Create(gradScale);
            for (int row = begin; row < end; row++)
            {
                float* l = logits + (long)row * cols, x = targets + (long)row * cols;
                float* d = dlogits == null ? null : dlogits + (long)row * cols;
                int col = 0;
                float sum = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var acc = Vector256<float>.Zero;
                    for (; col + 8 <= cols; col += 8)
                    {
                        var lv = Vector256.Load(l + col);
                        var xv = Vector256.Load(x + col);
                        var e = CpuMath.Exp(-Vector256.Abs(lv));
                        var onePlus = Vector256<float>.One + e;
                        acc += Vector256.Max(lv, Vector256<float>.Zero) - lv * xv + Vector256.Log(onePlus);
                        if (d == null) continue;
                        var positive = Vector256.GreaterThanOrEqual(lv, Vector256<float>.Zero);
                        var s = Vector256.ConditionalSelect(positive, Vector256<float>.One, e) / onePlus;
                        ((s - xv) * vscale).Store(d + col);
                    }
                    sum = Vector256.Sum(acc);
                }
                for (; col < cols; col++)
                {
                    float lv = l[col], e = ActivationKernels.Exp(-MathF.Abs(lv));
                    sum += MathF.Max(lv, 0) - lv * x[col] + MathF.Log(1 + e);
                    if (d != null) d[col] = gradScale * ((lv >= 0 ? 1 : e) / (1 + e) - x[col]);
                }
                rowLoss[row] = sum;
            }
        }
    }

    /// <inheritdoc/>
    protected override void MseOnSigmoidCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        var work = new MseWork(Ptr(logits), Ptr(targets), Ptr(rowLoss), OrNull(dlogits), cols, gradScale);
        Dispatch(work, rows, 1, (long)cols * 6);
    }

    // logits, targets, dlogits: (rows, cols); rowLoss: (rows); dlogits may be null (no gradient).
    private readonly struct MseWork(float* logits, float* targets, float* rowLoss, float* dlogits, int cols,
        float gradScale) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            float scale2 = 2 * gradScale;
            var vscale2 = Vector256.Create(scale2);
            for (int row = begin; row < end; row++)
            {
                float* l = logits + (long)row * cols, x = targets + (long)row * cols;
                float* d = dlogits == null ? null : dlogits + (long)row * cols;
                int col = 0;
                float sum = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var acc = Vector256<float>.Zero;
                    for (; col + 8 <= cols; col += 8)
                    {
                        var lv = Vector256.Load(l + col);
                        var e = CpuMath.Exp(-Vector256.Abs(lv));
                        var positive = Vector256.GreaterThanOrEqual(lv, Vector256<float>.Zero);
                        var onePlus = Vector256<float>.One + e;
                        var s = Vector256.ConditionalSelect(positive, Vector256<float>.One, e) / onePlus;
                        var diff = s - Vector256.Load(x + col);
                        acc += diff * diff;
                        if (d != null) (vscale2 * diff * s * (Vector256<float>.One - s)).Store(d + col);
                    }
                    sum = Vector256.Sum(acc);
                }
                for (; col < cols; col++)
                {
                    float lv = l[col], e = ActivationKernels.Exp(-MathF.Abs(lv));
                    float s = (lv >= 0 ? 1 : e) / (1 + e), diff = s - x[col];
                    sum += diff * diff;
                    if (d != null) d[col] = scale2 * diff * s * (1 - s);
                }
                rowLoss[row] = sum;
            }
        }
    }

    /// <inheritdoc/>
    protected override void KlDivergenceCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar,
        float gradScale)
    {
        var work = new KlWork(Ptr(mu), Ptr(logvar), Ptr(rowLoss), OrNull(dmu), OrNull(dlogvar), cols,
            gradScale);
        Dispatch(work, rows, 1, (long)cols * 8);
    }

    // Rows are short (the latent size), so plain scalar code: rowLoss = -0.5 sum (1 + lv - mu^2 - exp(lv)).
    // mu, logvar, dmu, dlogvar: (rows, cols); rowLoss: (rows); dmu and dlogvar both null or both set.
    private readonly struct KlWork(float* mu, float* logvar, float* rowLoss, float* dmu, float* dlogvar,
        int cols, float gradScale) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int row = begin; row < end; row++)
            {
                long o = (long)row * cols;
                float* muRow = mu + o, lv = logvar + o;
                float sum = 0;
                for (int col = 0; col < cols; col++)
                {
                    float m = muRow[col], v = lv[col], e = MathF.Exp(v);
                    sum += 1 + v - m * m - e;
                    if (dmu != null)
                    {
                        dmu[o + col] = gradScale * m;
                        dlogvar[o + col] = gradScale * 0.5f * (e - 1);
                    }
                }
                rowLoss[row] = -0.5f * sum;
            }
        }
    }

    /// <inheritdoc/>
    protected override void SumIntoCore(BufferView<float> values, int n, BufferView<float> accumulator)
    {
        // One thread, a fixed order: 8 lanes over the multiples of 8, the lanes summed, then the tail.
        float* pv = Ptr(values);
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.Load(pv + i);
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += pv[i];
        Ptr(accumulator)[0] += sum;
    }
}
