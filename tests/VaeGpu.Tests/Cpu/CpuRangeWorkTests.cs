// The typed range dispatch of the CPU worker pool: every item of [0, count) is handed to exactly one
// worker, range boundaries fall on multiples of the alignment, a work struct's failure reaches the
// caller, and a dispatch allocates nothing on any thread (the ops' own check is CpuAllocationTests).
using VaeGpu.Kernels.Cpu;

namespace VaeGpu.Tests.Cpu;

[Collection(nameof(CpuAllocationCollection))]
public sealed unsafe class CpuRangeWorkTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RangesCoverEveryItemOnceAtAlignedBoundaries(int threads)
    {
        using var pool = new CpuWorkerPool(threads);
        foreach (int count in new[] { 0, 1, 7, 63, 64, 65, 1000, 4099 })
            foreach (int align in new[] { 1, 8, 64 })
            {
                var hits = new int[count + 1];
                var starts = new int[count + 1];
                fixed (int* pHits = hits, pStarts = starts)
                {
                    var work = new MarkWork(pHits, pStarts);
                    pool.Run(ref work, count, align, threads);
                }
                for (int item = 0; item < count; item++)
                    Assert.True(hits[item] == 1, $"threads {threads}, count {count}, align {align}: " +
                        $"item {item} ran {hits[item]} times");
                for (int item = 0; item < count; item++)
                    Assert.True(starts[item] == 0 || item % align == 0,
                        $"threads {threads}, count {count}, align {align}: a range begins at {item}");
            }
    }

    [Fact]
    public void FailureInAWorkStructReachesTheCaller()
    {
        using var pool = new CpuWorkerPool(3);
        var work = new FailingWork(100);
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(ref work, 300, 1, 3));
        Assert.Contains("item 100", e.InnerException!.Message);
        // The pool is still usable after a failed dispatch.
        var hits = new int[10];
        var starts = new int[10];
        fixed (int* pHits = hits, pStarts = starts)
        {
            var mark = new MarkWork(pHits, pStarts);
            pool.Run(ref mark, 10, 1, 3);
        }
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void DispatchAllocatesNothing()
    {
        using var pool = new CpuWorkerPool(3);
        var hits = new int[5000];
        var starts = new int[5000];
        fixed (int* pHits = hits, pStarts = starts)
        {
            var work = new MarkWork(pHits, pStarts);
            for (int i = 0; i < 200; i++) pool.Run(ref work, 5000, 64, 3); // past tiered compilation
            long caller = GC.GetAllocatedBytesForCurrentThread(), workers = pool.WorkerAllocatedBytes;
            for (int i = 0; i < 500; i++) pool.Run(ref work, 5000, 64, 3);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - caller);
            Assert.Equal(0, pool.WorkerAllocatedBytes - workers);
        }
        Assert.All(hits, h => Assert.Equal(700, h));
    }

    // Counts how often each item runs and marks where each range begins.
    private readonly struct MarkWork(int* hits, int* starts) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            starts[begin] = 1;
            for (int item = begin; item < end; item++) hits[item]++;
        }
    }

    private readonly struct FailingWork(int bad) : IRangeWork
    {
        public void Run(int begin, int end)
        {
            if (begin <= bad && bad < end) throw new ArgumentException($"item {bad}");
        }
    }
}
