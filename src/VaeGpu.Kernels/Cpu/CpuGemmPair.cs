// Two independent products at once, a layer's weight gradient and input gradient: even workers start
// on the first, odd ones on the second, and each then helps with what is left of the other (the GEMM's
// units are claimed as they go, see CpuGemm.cs). On two cores each product mostly runs on one core
// with its own packs, so neither waits on the other core's packs and tiles, and a core that another
// tenant slows down still hands its rest over.
namespace VaeGpu.Kernels.Cpu;

/// <summary>Runs two GEMMs (no bias, no activation) side by side on the worker pool.</summary>
internal sealed unsafe class CpuGemmPair(CpuWorkerPool pool, CpuGemmKernel kernel) : CpuWork, IDisposable
{
    private readonly CpuGemm first = new(pool, kernel), second = new(pool, kernel);

    /// <summary>C1 = [C1 +] op(A1) op(B1) and C2 = [C2 +] op(A2) op(B2); arguments already checked, neither
    /// C overlapping the other product's operands.</summary>
    public void Run(GemmLayout layout1, int m1, int n1, int k1, float* a1, float* b1, float* c1,
        bool accumulate1, GemmLayout layout2, int m2, int n2, int k2, float* a2, float* b2, float* c2,
        bool accumulate2)
    {
        first.Prepare(layout1, m1, n1, k1, a1, b1, c1, accumulate1);
        second.Prepare(layout2, m2, n2, k2, a2, b2, c2, accumulate2);
        pool.Run(this, pool.Size);
    }

    /// <inheritdoc/>
    public override void Execute(int worker, int workers)
    {
        var (mine, other) = worker % 2 == 0 ? (first, second) : (second, first);
        mine.Execute(worker, workers);
        other.Execute(worker, workers);
    }

    /// <summary>Frees both products' packs.</summary>
    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}
