// Random normals, reparameterization and optimizer updates on the CPU backend. Philox blocks are
// independent, so they split over workers freely; the optimizer updates are Vector256 loops that
// keep the scalar formula's operation order, so every lane rounds exactly as the scalar tail does.
using System.Runtime.Intrinsics;
using VaeGpu.Kernels.Random;

namespace VaeGpu.Kernels.Cpu;

public unsafe partial class CpuAccelerator
{
    // Rough cost of one Philox block (four normals) relative to a simple element-wise update.
    private const long PhiloxWeight = 40;

    /// <inheritdoc/>
    protected override void FillNormalCore(BufferView<float> destination, int n, ulong seed, ulong stream)
    {
        var work = new NormalWork(Ptr(destination), null, null, null, n, seed, stream);
        Dispatch(work, (n + 3) / 4, 16, PhiloxWeight);
    }

    /// <inheritdoc/>
    protected override void ReparameterizeForwardCore(BufferView<float> mu, BufferView<float> logvar,
        BufferView<float> eps, BufferView<float> z, int n, ulong seed, ulong stream)
    {
        var work = new NormalWork(Ptr(eps), Ptr(mu), Ptr(logvar), Ptr(z), n, seed, stream);
        Dispatch(work, (n + 3) / 4, 16, PhiloxWeight);
    }

    // Blocks [begin, end) of four normals into eps (n); when mu is set also z = mu + exp(logvar / 2) eps,
    // all (n). Counter-based, so each block's values are the same whichever worker draws them.
    private readonly struct NormalWork(float* eps, float* mu, float* logvar, float* z, int n, ulong seed,
        ulong stream) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int block = begin; block < end; block++)
            {
                var (n0, n1, n2, n3) = Philox.NormalBlock(seed, stream, (uint)block);
                int i = block * 4;
                eps[i] = n0;
                if (i + 1 < n) eps[i + 1] = n1;
                if (i + 2 < n) eps[i + 2] = n2;
                if (i + 3 < n) eps[i + 3] = n3;
            }
            if (mu == null) return;
            int last = Math.Min(end * 4, n);
            for (int i = begin * 4; i < last; i++) z[i] = mu[i] + MathF.Exp(0.5f * logvar[i]) * eps[i];
        }
    }

    /// <inheritdoc/>
    protected override void ReparameterizeBackwardCore(BufferView<float> dz, BufferView<float> eps,
        BufferView<float> logvar, BufferView<float> dmu, BufferView<float> dlogvar, int n)
    {
        Dispatch(new ReparameterizeBackwardWork(Ptr(dz), Ptr(eps), Ptr(logvar), Ptr(dmu), Ptr(dlogvar)),
            n, 64, 8);
    }

    // Elements [begin, end) of (n): dmu += dz, dlogvar += dz eps exp(logvar / 2) / 2.
    private readonly struct ReparameterizeBackwardWork(float* dz, float* eps, float* lv, float* dmu,
        float* dlv) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            for (int i = begin; i < end; i++)
            {
                dmu[i] += dz[i];
                dlv[i] += 0.5f * dz[i] * eps[i] * MathF.Exp(0.5f * lv[i]);
            }
        }
    }

    /// <inheritdoc/>
    protected override void OptimizerStepCore(in OptimizerParams s, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n)
    {
        float* p = Ptr(parameters), g = Ptr(gradients), s1 = Ptr(state1);
        switch (s.Kind)
        {
            case OptimizerKind.Adam: Dispatch(new AdamWork(s, p, g, s1, OrNull(state2)), n, 64, 4); break;
            case OptimizerKind.Sgd: Dispatch(new SgdWork(s, p, g, s1), n, 64, 1); break;
            case OptimizerKind.RmsProp: Dispatch(new RmsPropWork(s, p, g, s1), n, 64, 3); break;
            case OptimizerKind.Adagrad: Dispatch(new AdagradWork(s, p, g, s1), n, 64, 3); break;
            default: throw new ArgumentOutOfRangeException(nameof(s), $"unknown optimizer {s.Kind}");
        }
    }

    // Elements [begin, end) of p, g, m, v (n): PyTorch's Adam with bias correction, in its order:
    // p += -step (m / (sqrt(v) / sqrt(c2) + eps)) (OptimizerKernels.AdamStep, bit for bit).
    private readonly struct AdamWork(OptimizerParams s, float* p, float* g, float* m, float* v) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            float b1 = s.Beta1, b2 = s.Beta2, omb1 = 1 - b1, omb2 = 1 - b2, eps = s.Epsilon;
            var (negativeStep, c2Sqrt) = s.AdamScalars();
            int i = begin;
            if (Vector256.IsHardwareAccelerated)
            {
                var vb1 = Vector256.Create(b1); var vb2 = Vector256.Create(b2);
                var vomb1 = Vector256.Create(omb1); var vomb2 = Vector256.Create(omb2);
                var vstep = Vector256.Create(negativeStep); var veps = Vector256.Create(eps);
                var vc2 = Vector256.Create(c2Sqrt);
                for (; i + 8 <= end; i += 8)
                {
                    var gv = Vector256.Load(g + i);
                    var mv = vb1 * Vector256.Load(m + i) + vomb1 * gv;
                    var vv = vb2 * Vector256.Load(v + i) + vomb2 * gv * gv;
                    mv.Store(m + i);
                    vv.Store(v + i);
                    var denominator = Vector256.Sqrt(vv) / vc2 + veps;
                    (Vector256.Load(p + i) + vstep * (mv / denominator)).Store(p + i);
                }
            }
            for (; i < end; i++)
            {
                m[i] = b1 * m[i] + omb1 * g[i];
                v[i] = b2 * v[i] + omb2 * g[i] * g[i];
                p[i] += negativeStep * (m[i] / (MathF.Sqrt(v[i]) / c2Sqrt + eps));
            }
        }
    }

    // Elements [begin, end) of p, g, vel (n): SGD with (PyTorch-style) momentum.
    private readonly struct SgdWork(OptimizerParams s, float* p, float* g, float* vel) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            float mu = s.Momentum, lr = s.LearningRate;
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
    }

    // Elements [begin, end) of p, g, sq (n): RMSprop, sq the running mean of g^2.
    private readonly struct RmsPropWork(OptimizerParams s, float* p, float* g, float* sq) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            float alpha = s.Alpha, oma = 1 - alpha;
            float lr = s.LearningRate, eps = s.Epsilon;
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
    }

    // Elements [begin, end) of p, g, sq (n): Adagrad, sq the sum of g^2.
    private readonly struct AdagradWork(OptimizerParams s, float* p, float* g, float* sq) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            float lr = s.LearningRate, eps = s.Epsilon;
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
}
