// A persistent pool of worker threads for the CPU backend: the calling thread is worker 0 and
// threads 1..N-1 poll a dispatch counter for a short while after each job (back-to-back ops in a
// training step then start without a wake-up, which on a busy machine can cost milliseconds) and
// then sleep on their own semaphore. A call hands every worker the same reusable work object, so
// dispatch allocates nothing (no closures, no Task per call).
using System.Diagnostics;

namespace VaeGpu.Kernels.Cpu;

/// <summary>Work that every worker of a <see cref="CpuWorkerPool"/> runs once per dispatch.</summary>
internal abstract class CpuWork
{
    /// <summary>Runs this worker's share; <paramref name="workers"/> workers run it together.</summary>
    public abstract void Execute(int worker, int workers);
}

/// <summary>Fixed worker threads and a reusable completion countdown.</summary>
internal sealed partial class CpuWorkerPool : IDisposable
{
    /// <summary>Ints in a 64-byte cache line: the spacing of counters and flags that different workers
    /// write, so that no two share a line.</summary>
    internal const int LineInts = 16;
    // How long an idle worker polls for the next dispatch before it sleeps on its semaphore.
    private static readonly long PollTicks = Stopwatch.Frequency / 5000; // 200 microseconds

    private readonly Thread[] threads;
    private readonly SemaphoreSlim[] start;
    private readonly ManualResetEventSlim done = new(false);
    private readonly long[] workerAllocations;
    private readonly int[] sleeping;
    private int generation;
    private CpuWork? work;
    private int workers;
    private int remaining;
    private volatile bool stopping;
    private Exception? failure;

    /// <summary>Starts <paramref name="threads"/> - 1 background threads (the caller is worker 0).</summary>
    public CpuWorkerPool(int threads)
    {
        Size = threads;
        workerAllocations = new long[threads];
        sleeping = new int[threads * LineInts];
        this.threads = new Thread[threads - 1];
        start = new SemaphoreSlim[threads - 1];
        // ManualResetEventSlim creates its lock object (24 bytes) the first time a Wait has to block; a
        // timed-out wait here does that now, so no dispatch on the hot path ever allocates it.
        done.Wait(1);
        for (int i = 0; i < threads - 1; i++)
        {
            start[i] = new SemaphoreSlim(0);
            int worker = i + 1;
            this.threads[i] = new Thread(() => Loop(worker))
            {
                IsBackground = true,
                Name = $"VaeGpu cpu worker {worker}",
            };
            this.threads[i].Start();
        }
    }

    /// <summary>Number of workers, the calling thread included.</summary>
    public int Size { get; }

    /// <summary>Managed bytes the pool's own threads (1..N-1) have allocated so far (for tests).</summary>
    public long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < Size; i++) sum += Volatile.Read(ref workerAllocations[i]);
            return sum;
        }
    }

    /// <summary>
    /// Runs <paramref name="item"/> on all workers (count &gt; 1; the caller is worker 0) or on the caller
    /// alone (count 1) and returns when all have finished. Not reentrant: one dispatch at a time.
    /// </summary>
    public void Run(CpuWork item, int count)
    {
        // All workers or the caller alone: every worker then runs every dispatch exactly once.
        count = count <= 1 ? 1 : Size;
        workers = count;
        if (count == 1)
        {
            item.Execute(0, 1);
            return;
        }
        work = item;
        failure = null;
        Volatile.Write(ref remaining, count - 1);
        done.Reset();
        Interlocked.Increment(ref generation); // publishes everything above
        for (int i = 1; i < Size; i++) Wake(i);
        try
        {
            item.Execute(0, count);
        }
        catch (Exception e)
        {
            failure ??= e;
        }
        // The caller usually finishes its share about when the workers do: poll first, because waking a
        // sleeping caller on a busy machine can take a whole scheduler slice.
        long deadline = Stopwatch.GetTimestamp() + PollTicks;
        var spin = new SpinWait();
        while (Volatile.Read(ref remaining) != 0 && Stopwatch.GetTimestamp() < deadline)
            spin.SpinOnce(sleep1Threshold: -1);
        done.Wait();
        work = null;
        if (failure is not null)
            throw new InvalidOperationException($"a CPU worker failed while running {item.GetType().Name}",
                failure);
    }

    /// <summary>Zeroes the first <paramref name="count"/> ints of a scratch array of counters, growing it
    /// first if needed (only the first time a work item of that size runs).</summary>
    internal static void ClearCounters(ref int[] array, int count)
    {
        if (count > array.Length) array = new int[count * 2];
        else Array.Clear(array, 0, count);
    }

    private void Wake(int worker)
    {
        if (Interlocked.Exchange(ref sleeping[worker * LineInts], 0) == 1) start[worker - 1].Release();
    }

    /// <summary>Waits for the dispatch counter to pass <paramref name="seen"/>: polls, then sleeps.</summary>
    private void WaitForDispatch(int worker, int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + PollTicks;
        var spin = new SpinWait();
        while (Volatile.Read(ref generation) == seen)
        {
            if (Stopwatch.GetTimestamp() < deadline)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            Interlocked.Exchange(ref sleeping[worker * LineInts], 1);
            // A dispatch that came in after the flag was set either clears it and releases the semaphore,
            // or we clear it first here and go on without sleeping.
            if (Volatile.Read(ref generation) != seen
                && Interlocked.Exchange(ref sleeping[worker * LineInts], 0) == 1) return;
            start[worker - 1].Wait();
            return;
        }
    }

    private void Loop(int worker)
    {
        int seen = 0;
        while (true)
        {
            WaitForDispatch(worker, seen);
            seen = Volatile.Read(ref generation);
            if (stopping) return;
            try
            {
                work!.Execute(worker, workers);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
            Volatile.Write(ref workerAllocations[worker], GC.GetAllocatedBytesForCurrentThread());
            if (Interlocked.Decrement(ref remaining) == 0) done.Set();
        }
    }

    /// <summary>Stops and joins the worker threads.</summary>
    public void Dispose()
    {
        if (stopping) return;
        stopping = true;
        Interlocked.Increment(ref generation);
        for (int i = 1; i < Size; i++) Wake(i);
        foreach (var t in threads) t.Join();
        foreach (var s in start) s.Dispose();
        done.Dispose();
    }
}
