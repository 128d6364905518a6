// Runs a [Kernel] method directly in C#, so tests can compare the C# semantics with the translated code.
// Without barriers the work-items run one after another (deterministic). With barriers every work-item of a
// group gets its own thread and k.Barrier() is a real barrier; groups run one after another and each gets
// fresh group-shared arrays (zeroed, where a device leaves them undefined).
using System.Collections.Concurrent;

namespace VaeGpu.Kernels.Device;

/// <summary>Executes kernels on the host, work-item by work-item, for tests of the translator.</summary>
public static class ReferenceExecutor
{
    /// <summary>How long a work-item waits at a barrier before the launch is declared deadlocked.</summary>
    public static TimeSpan BarrierTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="kernel"/> as <paramref name="source"/> needs (threads if it has barriers).
    /// </summary>
    public static void Run(KernelSource source, in LaunchDims dims, Action<KernelContext> kernel)
    {
        ArgumentNullException.ThrowIfNull(source);
        Run(dims, source.UsesBarrier, kernel);
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> once per work-item of <paramref name="dims"/>;
    /// <paramref name="cooperative"/> gives each work-item of a group its own thread so k.Barrier() works.
    /// </summary>
    public static void Run(in LaunchDims dims, bool cooperative, Action<KernelContext> kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (dims.LocalX <= 0 || dims.LocalY <= 0 || dims.GlobalX <= 0 || dims.GlobalY <= 0 ||
            dims.GlobalX % dims.LocalX != 0 || dims.GlobalY % dims.LocalY != 0)
            throw new ArgumentException(
                $"launch {dims}: sizes must be positive and global a multiple of local in each dimension",
                nameof(dims));
        if (cooperative) RunCooperative(dims, kernel);
        else RunSequential(dims, kernel);
    }

    private static void RunSequential(in LaunchDims dims, Action<KernelContext> kernel)
    {
        var context = new KernelContext();
        context.SetGeometry(dims);
        context.BarrierAction = () => throw new InvalidOperationException(
            "the kernel calls k.Barrier() but runs sequentially: run it with cooperative: true");
        var shared = new List<Array>();
        context.SharedProvider = (index, length, type) =>
        {
            if (index < shared.Count) return shared[index];
            Array array = Array.CreateInstance(type, length);
            shared.Add(array);
            return array;
        };
        int groupsX = dims.GlobalX / dims.LocalX, groupsY = dims.GlobalY / dims.LocalY;
        for (int gy = 0; gy < groupsY; gy++)
        for (int gx = 0; gx < groupsX; gx++)
        {
            shared.Clear();
            for (int ly = 0; ly < dims.LocalY; ly++)
            for (int lx = 0; lx < dims.LocalX; lx++)
            {
                context.MoveTo(gx, gy, lx, ly);
                try
                {
                    kernel(context);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException(
                        $"kernel failed at group ({gx}, {gy}), local ({lx}, {ly}): {e.Message}", e);
                }
            }
        }
    }

    private static void RunCooperative(LaunchDims dims, Action<KernelContext> kernel)
    {
        int groupSize = dims.LocalX * dims.LocalY;
        int groupsX = dims.GlobalX / dims.LocalX, groupCount = groupsX * (dims.GlobalY / dims.LocalY);
        using var barrier = new Barrier(groupSize);
        using var cancel = new CancellationTokenSource();
        var shared = new ConcurrentDictionary<(int Group, int Index), Array>();
        Exception? failure = null;
        TimeSpan timeout = BarrierTimeout;

        void WorkItem(int local)
        {
            var context = new KernelContext();
            context.SetGeometry(dims);
            int lx = local % dims.LocalX, ly = local / dims.LocalX, group = 0;
            context.SharedProvider = (index, length, type) =>
                shared.GetOrAdd((group, index), _ => Array.CreateInstance(type, length));
            context.BarrierAction = () => Wait(barrier, timeout, cancel.Token);
            try
            {
                for (group = 0; group < groupCount; group++)
                {
                    context.MoveTo(group % groupsX, group / groupsX, lx, ly);
                    try
                    {
                        kernel(context);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        throw new InvalidOperationException(
                            $"kernel failed at group ({group % groupsX}, {group / groupsX}), " +
                            $"local ({lx}, {ly}): {e.Message}", e);
                    }
                    Wait(barrier, timeout, cancel.Token);
                    if (local == 0)
                        foreach (var key in shared.Keys.Where(key => key.Group == group).ToList())
                            shared.TryRemove(key, out _);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                cancel.Cancel();
            }
        }

        var threads = new Thread[groupSize];
        for (int i = 0; i < groupSize; i++)
        {
            int local = i;
            threads[i] = new Thread(() => WorkItem(local), 256 * 1024) { IsBackground = true };
            threads[i].Start();
        }
        foreach (Thread thread in threads) thread.Join();
        if (failure is not null) throw failure;
    }

    private static void Wait(Barrier barrier, TimeSpan timeout, CancellationToken token)
    {
        if (!barrier.SignalAndWait(timeout, token))
            throw new InvalidOperationException(
                $"a barrier waited {timeout.TotalSeconds} s: work-items of a group reached different " +
                "barriers (a barrier inside divergent control flow?)");
    }
}
