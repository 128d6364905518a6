// PyTorch's Adam over a run of elements, in its order: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g g;
// p += -step (m / (sqrt(v) / sqrt(c2) + eps)) (OptimizerKernels.AdamStep computes the same bits). Used by
// the optimizer op and by the GEMM epilogue that steps a weight tile as soon as its gradient is ready.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaeGpu.Kernels.Cpu;

/// <summary>One Adam step's scalars, ready to apply to runs of parameters.</summary>
internal readonly unsafe struct CpuAdam
{
    private readonly float b1, b2, omb1, omb2, eps, negativeStep, c2Sqrt;

    public CpuAdam(in OptimizerParams s)
    {
        (b1, b2, eps) = (s.Beta1, s.Beta2, s.Epsilon);
        (omb1, omb2) = (1 - b1, 1 - b2);
        (negativeStep, c2Sqrt) = s.AdamScalars();
    }

    /// <summary>Steps p[0..count) with gradients g, first moments m and second moments v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* p, float* g, float* m, float* v, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(b1); var vb2 = Vector256.Create(b2);
            var vomb1 = Vector256.Create(omb1); var vomb2 = Vector256.Create(omb2);
            var vstep = Vector256.Create(negativeStep); var veps = Vector256.Create(eps);
            var vc2 = Vector256.Create(c2Sqrt);
            for (; i + 8 <= count; i += 8)
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
        for (; i < count; i++)
        {
            m[i] = b1 * m[i] + omb1 * g[i];
            v[i] = b2 * v[i] + omb2 * g[i] * g[i];
            p[i] += negativeStep * (m[i] / (MathF.Sqrt(v[i]) / c2Sqrt + eps));
        }
    }
}
