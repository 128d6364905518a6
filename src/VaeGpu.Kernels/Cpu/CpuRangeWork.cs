// The reusable work descriptor for element-wise and row-wise ops: an op stores its arguments in
// the fields and a static body (a function pointer, so nothing is allocated) that handles one
// range [begin, end) of items. Ranges are split at multiples of Align so SIMD tails fall in the
// same places for any worker count, which keeps results independent of the thread count.
namespace VaeGpu.Kernels.Cpu;

/// <summary>Arguments and body of one range-parallel op; reused by every call of its accelerator.</summary>
internal sealed unsafe class CpuRangeWork : CpuWork
{
    public delegate*<CpuRangeWork, int, int, void> Body;
    public int Count;
    public int Align = 1;
    public float* F0, F1, F2, F3, F4;
    public byte* Bytes;
    public int* Ints;
    public int I0, I1, I2, I3;
    public float S0;
    public ulong U0, U1;
    public Activation Act;
    public OptimizerParams Optimizer;

    /// <inheritdoc/>
    public override void Execute(int worker, int workers)
    {
        int chunks = (Count + Align - 1) / Align;
        int begin = (int)Math.Min((long)chunks * worker / workers * Align, Count);
        int end = (int)Math.Min((long)chunks * (worker + 1) / workers * Align, Count);
        if (begin < end) Body(this, begin, end);
    }

    /// <summary>Drops the pointers so a finished op keeps nothing alive by accident.</summary>
    public void Clear()
    {
        F0 = F1 = F2 = F3 = F4 = null;
        Bytes = null;
        Ints = null;
    }
}
