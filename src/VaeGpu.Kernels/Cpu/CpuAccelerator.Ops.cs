// Plain, single-threaded reference implementations of the op set on the CPU backend.
// Correct first; the fast paths (packed GEMM, SIMD, threads) replace these one op at a time.
using VaeGpu.Kernels.Random;

namespace VaeGpu.Kernels.Cpu;

public sealed unsafe partial class CpuAccelerator
{
    /// <inheritdoc/>
    protected override void GemmCore(GemmLayout layout, int m, int n, int k, BufferView<float> a,
        BufferView<float> b, BufferView<float> c, bool accumulate, BufferView<float> bias, Activation activation)
    {
        float* pa = Ptr(a), pb = Ptr(b), pc = Ptr(c);
        float* pbias = bias.IsEmpty ? null : Ptr(bias);
        for (int row = 0; row < m; row++)
        {
            for (int col = 0; col < n; col++)
            {
                float sum = 0;
                for (int i = 0; i < k; i++)
                {
                    float av = layout == GemmLayout.TN ? pa[(long)i * m + row] : pa[(long)row * k + i];
                    float bv = layout == GemmLayout.NT ? pb[(long)col * k + i] : pb[(long)i * n + col];
                    sum += av * bv;
                }
                long idx = (long)row * n + col;
                if (accumulate) sum += pc[idx];
                if (pbias != null) sum += pbias[col];
                pc[idx] = Activate(activation, sum);
            }
        }
    }

    internal static float Activate(Activation activation, float x) => activation switch
    {
        Activation.Relu => x > 0 ? x : 0,
        Activation.LeakyRelu => x > 0 ? x : 0.01f * x,
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Activation.Tanh => MathF.Tanh(x),
        _ => x,
    };

    internal static float Derivative(Activation activation, float y) => activation switch
    {
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.LeakyRelu => y > 0 ? 1 : 0.01f,
        Activation.Sigmoid => y * (1 - y),
        Activation.Tanh => 1 - y * y,
        _ => 1,
    };

    /// <inheritdoc/>
    protected override void ColumnSumCore(BufferView<float> x, int rows, int cols, BufferView<float> sums, bool accumulate)
    {
        float* px = Ptr(x), ps = Ptr(sums);
        if (!accumulate) new Span<float>(ps, cols).Clear();
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++)
                ps[col] += px[(long)row * cols + col];
    }

    /// <inheritdoc/>
    protected override void ActivationForwardCore(Activation activation, BufferView<float> x, BufferView<float> y, int n)
    {
        float* px = Ptr(x), py = Ptr(y);
        for (int i = 0; i < n; i++) py[i] = Activate(activation, px[i]);
    }

    /// <inheritdoc/>
    protected override void ActivationBackwardCore(Activation activation, BufferView<float> y, BufferView<float> dy,
        BufferView<float> dx, int n)
    {
        float* py = Ptr(y), pdy = Ptr(dy), pdx = Ptr(dx);
        for (int i = 0; i < n; i++) pdx[i] = pdy[i] * Derivative(activation, py[i]);
    }

    /// <inheritdoc/>
    protected override void FillNormalCore(BufferView<float> destination, int n, ulong seed, ulong stream) =>
        Philox.FillNormal(Span(destination)[..n], seed, stream);

    /// <inheritdoc/>
    protected override void ReparameterizeForwardCore(BufferView<float> mu, BufferView<float> logvar,
        BufferView<float> eps, BufferView<float> z, int n, ulong seed, ulong stream)
    {
        Philox.FillNormal(Span(eps)[..n], seed, stream);
        float* pmu = Ptr(mu), plv = Ptr(logvar), pe = Ptr(eps), pz = Ptr(z);
        for (int i = 0; i < n; i++) pz[i] = pmu[i] + MathF.Exp(0.5f * plv[i]) * pe[i];
    }

    /// <inheritdoc/>
    protected override void ReparameterizeBackwardCore(BufferView<float> dz, BufferView<float> eps,
        BufferView<float> logvar, BufferView<float> dmu, BufferView<float> dlogvar, int n)
    {
        float* pdz = Ptr(dz), pe = Ptr(eps), plv = Ptr(logvar), pdmu = Ptr(dmu), pdlv = Ptr(dlogvar);
        for (int i = 0; i < n; i++)
        {
            pdmu[i] += pdz[i];
            pdlv[i] += 0.5f * pdz[i] * pe[i] * MathF.Exp(0.5f * plv[i]);
        }
    }

    /// <inheritdoc/>
    protected override void BceWithLogitsCore(BufferView<float> logits, BufferView<float> targets, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        float* pl = Ptr(logits), px = Ptr(targets), pr = Ptr(rowLoss);
        float* pd = dlogits.IsEmpty ? null : Ptr(dlogits);
        for (int row = 0; row < rows; row++)
        {
            float sum = 0;
            for (int col = 0; col < cols; col++)
            {
                long i = (long)row * cols + col;
                float l = pl[i], x = px[i];
                // Stable BCE on logits: never exponentiates a positive number.
                sum += MathF.Max(l, 0) - l * x + MathF.Log(1 + MathF.Exp(-MathF.Abs(l)));
                if (pd != null) pd[i] = gradScale * (1f / (1f + MathF.Exp(-l)) - x);
            }
            pr[row] = sum;
        }
    }

    /// <inheritdoc/>
    protected override void MseOnSigmoidCore(BufferView<float> logits, BufferView<float> targets, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        float* pl = Ptr(logits), px = Ptr(targets), pr = Ptr(rowLoss);
        float* pd = dlogits.IsEmpty ? null : Ptr(dlogits);
        for (int row = 0; row < rows; row++)
        {
            float sum = 0;
            for (int col = 0; col < cols; col++)
            {
                long i = (long)row * cols + col;
                float s = 1f / (1f + MathF.Exp(-pl[i])), diff = s - px[i];
                sum += diff * diff;
                if (pd != null) pd[i] = gradScale * 2 * diff * s * (1 - s);
            }
            pr[row] = sum;
        }
    }

    /// <inheritdoc/>
    protected override void KlDivergenceCore(BufferView<float> mu, BufferView<float> logvar, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar, float gradScale)
    {
        float* pmu = Ptr(mu), plv = Ptr(logvar), pr = Ptr(rowLoss);
        float* pdmu = dmu.IsEmpty ? null : Ptr(dmu), pdlv = dlogvar.IsEmpty ? null : Ptr(dlogvar);
        for (int row = 0; row < rows; row++)
        {
            float sum = 0;
            for (int col = 0; col < cols; col++)
            {
                long i = (long)row * cols + col;
                float m = pmu[i], lv = plv[i], e = MathF.Exp(lv);
                sum += 1 + lv - m * m - e;
                if (pdmu != null)
                {
                    pdmu[i] = gradScale * m;
                    pdlv[i] = gradScale * 0.5f * (e - 1);
                }
            }
            pr[row] = -0.5f * sum;
        }
    }

    /// <inheritdoc/>
    protected override void SumIntoCore(BufferView<float> values, int n, BufferView<float> accumulator)
    {
        float* pv = Ptr(values);
        float sum = 0;
        for (int i = 0; i < n; i++) sum += pv[i];
        Ptr(accumulator)[0] += sum;
    }

    /// <inheritdoc/>
    protected override void OptimizerStepCore(in OptimizerParams s, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n)
    {
        float* p = Ptr(parameters), g = Ptr(gradients), s1 = Ptr(state1);
        float* s2 = state2.IsEmpty ? null : Ptr(state2);
        float lr = s.LearningRate;
        switch (s.Kind)
        {
            case OptimizerKind.Adam:
                float c1 = 1 - MathF.Pow(s.Beta1, s.Step), c2 = 1 - MathF.Pow(s.Beta2, s.Step);
                for (int i = 0; i < n; i++)
                {
                    s1[i] = s.Beta1 * s1[i] + (1 - s.Beta1) * g[i];
                    s2[i] = s.Beta2 * s2[i] + (1 - s.Beta2) * g[i] * g[i];
                    p[i] -= lr * (s1[i] / c1) / (MathF.Sqrt(s2[i] / c2) + s.Epsilon);
                }
                break;
            case OptimizerKind.Sgd:
                for (int i = 0; i < n; i++)
                {
                    s1[i] = s.Momentum * s1[i] + g[i];
                    p[i] -= lr * s1[i];
                }
                break;
            case OptimizerKind.RmsProp:
                for (int i = 0; i < n; i++)
                {
                    s1[i] = s.Alpha * s1[i] + (1 - s.Alpha) * g[i] * g[i];
                    p[i] -= lr * g[i] / (MathF.Sqrt(s1[i]) + s.Epsilon);
                }
                break;
            case OptimizerKind.Adagrad:
                for (int i = 0; i < n; i++)
                {
                    s1[i] += g[i] * g[i];
                    p[i] -= lr * g[i] / (MathF.Sqrt(s1[i]) + s.Epsilon);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(s), $"unknown optimizer {s.Kind}");
        }
    }

    /// <inheritdoc/>
    protected override void GatherImagesCore(BufferView<byte> dataset, int imageSize, BufferView<int> indices, int batch,
        BufferView<float> destination)
    {
        byte* pd = Ptr(dataset);
        int* pi = Ptr(indices);
        float* po = Ptr(destination);
        long images = dataset.Length / imageSize;
        for (int sample = 0; sample < batch; sample++)
        {
            int index = pi[sample];
            if ((uint)index >= images)
                throw new ArgumentOutOfRangeException(nameof(indices), $"index {index} at {sample} outside [0, {images})");
            byte* src = pd + (long)index * imageSize;
            float* dst = po + (long)sample * imageSize;
            for (int p = 0; p < imageSize; p++) dst[p] = src[p] * (1f / 255f);
        }
    }

    /// <inheritdoc/>
    protected override void GatherOneHotCore(BufferView<byte> labels, BufferView<int> indices, int batch, int classes,
        BufferView<float> destination)
    {
        byte* pl = Ptr(labels);
        int* pi = Ptr(indices);
        float* po = Ptr(destination);
        for (int sample = 0; sample < batch; sample++)
        {
            int index = pi[sample];
            if ((uint)index >= labels.Length)
                throw new ArgumentOutOfRangeException(nameof(indices), $"index {index} at {sample} outside [0, {labels.Length})");
            for (int c = 0; c < classes; c++) po[(long)sample * classes + c] = pl[index] == c ? 1f : 0f;
        }
    }

    /// <inheritdoc/>
    protected override void CopyColumnsCore(BufferView<float> source, int rows, int srcCols, int srcColOffset,
        BufferView<float> destination, int dstCols, int dstColOffset, int cols)
    {
        float* ps = Ptr(source), pd = Ptr(destination);
        for (int row = 0; row < rows; row++)
            new ReadOnlySpan<float>(ps + (long)row * srcCols + srcColOffset, cols)
                .CopyTo(new Span<float>(pd + (long)row * dstCols + dstColOffset, cols));
    }
}
