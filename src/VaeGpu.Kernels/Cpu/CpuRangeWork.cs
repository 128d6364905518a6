// Range-parallel ops on the worker pool: each op is one struct that holds its typed arguments and
// implements IRangeWork.Run for one range [begin, end) of items. The pool runs it through a generic
// trampoline (one instantiation per struct, no boxing, no delegate), so a dispatch allocates nothing.
// Ranges are split at multiples of align so SIMD tails fall in the same places for any worker count and
// any split, which keeps results independent of the thread count and of which worker runs which piece.
namespace VaeGpu.Kernels.Cpu;

/// <summary>One range-parallel op: its arguments as fields and the body for one range of items.</summary>
internal interface IRangeWork
{
    /// <summary>Handles items [begin, end); the workers' ranges are disjoint and cover all items.</summary>
    void Run(int begin, int end);
}

internal sealed unsafe partial class CpuWorkerPool
{
    private readonly RangeDispatch ranges = new();

    /// <summary>
    /// Runs <paramref name="work"/> over [0, <paramref name="count"/>) in ranges split at multiples of
    /// <paramref name="align"/>, on all workers (<paramref name="workers"/> &gt; 1) or on the caller alone.
    /// </summary>
    public void Run<TWork>(ref TWork work, int count, int align, int workers)
        where TWork : unmanaged, IRangeWork
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count {count} < 0");
        if (align < 1) throw new ArgumentOutOfRangeException(nameof(align), $"align {align} < 1");
        // The caller waits in Run until every worker is done: its struct outlives every use of the pointer.
        fixed (TWork* item = &work)
        {
            ranges.Set(item, &RunRange<TWork>, count, align);
            if (workers > 1) ranges.ResetClaims(Size); // one worker runs the whole range, claiming nothing
            try
            {
                Run(ranges, workers);
            }
            finally
            {
                ranges.Set(null, null, 0, 1);
            }
        }
    }

    // The constrained call on TWork* neither boxes nor copies the struct.
    private static void RunRange<TWork>(void* work, int begin, int end)
        where TWork : unmanaged, IRangeWork =>
        ((TWork*)work)->Run(begin, end);

    /// <summary>The pool's one range job: a pointer to the caller's work struct and its body.</summary>
    private sealed class RangeDispatch : CpuWork
    {
        private void* work;
        private delegate*<void*, int, int, void> body;
        private int count;
        private int align = 1;

        public void Set(void* item, delegate*<void*, int, int, void> run, int items, int multiple)
        {
            work = item;
            body = run;
            count = items;
            align = multiple;
        }

        /// <inheritdoc/>
        public override void Execute(int worker, int workers)
        {
            // A few pieces per worker, each taking its own first, then what is left of the others': a
            // worker that wakes late or that another tenant slows down hands its rest to the others.
            if (workers == 1)
            {
                if (count > 0) body(work, 0, count);
                return;
            }
            int chunks = (count + align - 1) / align;
            int pieces = Math.Min(chunks, workers * PiecesPerWorker);
            for (int t = 0; t < workers; t++)
            {
                int owner = (worker + t) % workers;
                int first = pieces * owner / workers, last = pieces * (owner + 1) / workers, p;
                ref int claimed = ref claims[owner * ClaimPad];
                while ((p = first + Interlocked.Increment(ref claimed) - 1) < last)
                {
                    int begin = (int)Math.Min((long)chunks * p / pieces * align, count);
                    int end = (int)Math.Min((long)chunks * (p + 1) / pieces * align, count);
                    if (begin < end) body(work, begin, end);
                }
            }
        }

        private const int PiecesPerWorker = 4, ClaimPad = LineInts;
        private int[] claims = new int[64 * ClaimPad]; // per worker share, the pieces claimed so far

        public void ResetClaims(int workers) => ClearCounters(ref claims, workers * ClaimPad);
    }
}
