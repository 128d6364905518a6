// Random normals, reparameterization and optimizer updates on the CPU backend. Philox blocks are
// independent, so they split over workers freely; the optimizer updates are Vector256 loops that
// keep the scalar formula's operation order, so every lane rounds exactly as the scalar tail does.
using System.Runtime.Intrinsics;
using VaeGpu.Kernels.Random;

namespace VaeGpu.Kernels.Cpu;

public sealed unsafe partial class CpuAccelerator
{
    // Rough cost of one Philox block (four normals) relative to a simple element-wise update.
    private const long PhiloxWeight = 40;

    /// <inheritdoc/>
    protected override void FillNormalCore(BufferView<float> destination, int n, ulong seed, ulong stream)
    {
        range.F0 = Ptr(destination); range.F1 = null; range.F2 = null; range.I0 = n; range.U0 = seed;
        range.U1 = stream;
        Dispatch(&NormalBlocks, (n + 3) / 4, 16, PhiloxWeight);
    }

    /// <inheritdoc/>
    protected override void ReparameterizeForwardCore(BufferView<float> mu, BufferView<float> logvar,
        BufferView<float> eps, BufferView<float> z, int n, ulong seed, ulong stream)
    {
        range.F0 = Ptr(eps); range.F1 = Ptr(mu); range.F2 = Ptr(logvar); range.F3 = Ptr(z);
        range.I0 = n; range.U0 = seed; range.U1 = stream;
        Dispatch(&NormalBlocks, (n + 3) / 4, 16, PhiloxWeight);
    }

    // Blocks [begin, end) of four normals into F0; when F1 (mu) is set also z = mu + exp(logvar / 2) eps.
    private static void NormalBlocks(CpuRangeWork w, int begin, int end)
    {
        int n = w.I0;
        float* eps = w.F0;
        for (int block = begin; block < end; block++)
        {
            var (n0, n1, n2, n3) = Philox.NormalBlock(w.U0, w.U1, (uint)block);
            int i = block * 4;
            eps[i] = n0;
            if (i + 1 < n) eps[i + 1] = n1;
            if (i + 2 < n) eps[i + 2] = n2;
            if (i + 3 < n) eps[i + 3] = n3;
        }
        if (w.F1 == null) return;
        int last = Math.Min(end * 4, n);
        for (int i = begin * 4; i < last; i++) w.F3[i] = w.F1[i] + MathF.Exp(0.5f * w.F2[i]) * eps[i];
    }

    /// <inheritdoc/>
    protected override void ReparameterizeBackwardCore(BufferView<float> dz, BufferView<float> eps,
        BufferView<float> logvar, BufferView<float> dmu, BufferView<float> dlogvar, int n)
    {
        range.F0 = Ptr(dz); range.F1 = Ptr(eps); range.F2 = Ptr(logvar); range.F3 = Ptr(dmu);
        range.F4 = Ptr(dlogvar);
        Dispatch(&ReparameterizeBackwardRange, n, 64, 8);
    }

    private static void ReparameterizeBackwardRange(CpuRangeWork w, int begin, int end)
    {
        float* dz = w.F0, eps = w.F1, lv = w.F2, dmu = w.F3, dlv = w.F4;
        for (int i = begin; i < end; i++)
        {
            dmu[i] += dz[i];
            dlv[i] += 0.5f * dz[i] * eps[i] * MathF.Exp(0.5f * lv[i]);
        }
    }

    /// <inheritdoc/>
    protected override void OptimizerStepCore(in OptimizerParams s, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n)
    {
        range.F0 = Ptr(parameters); range.F1 = Ptr(gradients); range.F2 = Ptr(state1);
        range.F3 = state2.IsEmpty ? null : Ptr(state2);
        range.Optimizer = s;
        switch (s.Kind)
        {
            case OptimizerKind.Adam: Dispatch(&AdamRange, n, 64, 4); break;
            case OptimizerKind.Sgd: Dispatch(&SgdRange, n, 64, 1); break;
            case OptimizerKind.RmsProp: Dispatch(&RmsPropRange, n, 64, 3); break;
            case OptimizerKind.Adagrad: Dispatch(&AdagradRange, n, 64, 3); break;
            default: throw new ArgumentOutOfRangeException(nameof(s), $"unknown optimizer {s.Kind}");
        }
    }

    private static void AdamRange(CpuRangeWork w, int begin, int end)
    {
        ref readonly var s = ref w.Optimizer;
        float* p = w.F0, g = w.F1, m = w.F2, v = w.F3;
        float b1 = s.Beta1, b2 = s.Beta2, omb1 = 1 - b1, omb2 = 1 - b2, lr = s.LearningRate, eps = s.Epsilon;
        float c1 = 1 - MathF.Pow(b1, s.Step), c2 = 1 - MathF.Pow(b2, s.Step);
        int i = begin;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(b1); var vb2 = Vector256.Create(b2);
            var vomb1 = Vector256.Create(omb1); var vomb2 = Vector256.Create(omb2);
            var vlr = Vector256.Create(lr); var veps = Vector256.Create(eps);
            var vc1 = Vector256.Create(c1); var vc2 = Vector256.Create(c2);
            for (; i + 8 <= end; i += 8)
            {
                var gv = Vector256.Load(g + i);
                var mv = vb1 * Vector256.Load(m + i) + vomb1 * gv;
                var vv = vb2 * Vector256.Load(v + i) + vomb2 * gv * gv;
                mv.Store(m + i);
                vv.Store(v + i);
                (Vector256.Load(p + i) - vlr * (mv / vc1) / (Vector256.Sqrt(vv / vc2) + veps)).Store(p + i);
            }
        }
        for (; i < end; i++)
        {
            m[i] = b1 * m[i] + omb1 * g[i];
            v[i] = b2 * v[i] + omb2 * g[i] * g[i];
            p[i] -= lr * (m[i] / c1) / (MathF.Sqrt(v[i] / c2) + eps);
        }
    }

    private static void SgdRange(CpuRangeWork w, int begin, int end)
    {
        float* p = w.F0, g = w.F1, vel = w.F2;
        float mu = w.Optimizer.Momentum, lr = w.Optimizer.LearningRate;
        int i = begin;
        if (Vector256.IsHardwareAccelerated)
        {
            var vmu = Vector256.Create(mu); var vlr = Vector256.Create(lr);
            for (; i + 8 <= end; i += 8)
            {
                var v = vmu * Vector256.Load(vel + i) + Vector256.Load(g + i);
                v.Store(vel + i);
                (Vector256.Load(p + i) - vlr * v).Store(p + i);
            }
        }
        for (; i < end; i++)
        {
            vel[i] = mu * vel[i] + g[i];
            p[i] -= lr * vel[i];
        }
    }

    private static void RmsPropRange(CpuRangeWork w, int begin, int end)
    {
        float* p = w.F0, g = w.F1, sq = w.F2;
        float alpha = w.Optimizer.Alpha, oma = 1 - alpha;
        float lr = w.Optimizer.LearningRate, eps = w.Optimizer.Epsilon;
        int i = begin;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha); var voma = Vector256.Create(oma);
            var vlr = Vector256.Create(lr); var veps = Vector256.Create(eps);
            for (; i + 8 <= end; i += 8)
            {
                var gv = Vector256.Load(g + i);
                var s = va * Vector256.Load(sq + i) + voma * gv * gv;
                s.Store(sq + i);
                (Vector256.Load(p + i) - vlr * gv / (Vector256.Sqrt(s) + veps)).Store(p + i);
            }
        }
        for (; i < end; i++)
        {
            sq[i] = alpha * sq[i] + oma * g[i] * g[i];
            p[i] -= lr * g[i] / (MathF.Sqrt(sq[i]) + eps);
        }
    }

    private static void AdagradRange(CpuRangeWork w, int begin, int end)
    {
        float* p = w.F0, g = w.F1, sq = w.F2;
        float lr = w.Optimizer.LearningRate, eps = w.Optimizer.Epsilon;
        int i = begin;
        if (Vector256.IsHardwareAccelerated)
        {
            var vlr = Vector256.Create(lr); var veps = Vector256.Create(eps);
            for (; i + 8 <= end; i += 8)
            {
                var gv = Vector256.Load(g + i);
                var s = Vector256.Load(sq + i) + gv * gv;
                s.Store(sq + i);
                (Vector256.Load(p + i) - vlr * gv / (Vector256.Sqrt(s) + veps)).Store(p + i);
            }
        }
        for (; i < end; i++)
        {
            sq[i] += g[i] * g[i];
            p[i] -= lr * g[i] / (MathF.Sqrt(sq[i]) + eps);
        }
    }
}
