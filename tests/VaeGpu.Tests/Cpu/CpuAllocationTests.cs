// Once its buffers exist, a CPU op call allocates no managed memory: every op runs in a loop while
// the calling thread's counter and the worker threads' own counters must not move. The process-wide
// counter is also read, and compared with an idle period of the same length, because the test host
// and the runtime allocate a little in the background (up to three windows). Runs alone.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cpu;

[CollectionDefinition(nameof(CpuAllocationCollection), DisableParallelization = true)]
public sealed class CpuAllocationCollection;

[Collection(nameof(CpuAllocationCollection))]
public sealed class CpuAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void OpsAllocateNothingPerCall()
    {
        using var cpu = new CpuAccelerator(2);
        const int Rows = 128, Cols = 784, Hidden = 400, Latent = 20;
        var random = new Random(7);
        DeviceBuffer<float> Buffer(int n)
        {
            var values = new float[n];
            for (int i = 0; i < n; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return cpu.Upload<float>(values);
        }
        using var x = Buffer(Rows * Cols);
        using var w = Buffer(Hidden * Cols);
        using var h = Buffer(Rows * Hidden);
        using var dw = Buffer(Hidden * Cols);
        using var bias = Buffer(Hidden);
        using var targets = Buffer(Rows * Cols);
        using var dlogits = Buffer(Rows * Cols);
        using var rowLoss = Buffer(Rows);
        using var mu = Buffer(Rows * Latent);
        using var logvar = Buffer(Rows * Latent);
        using var eps = Buffer(Rows * Latent);
        using var z = Buffer(Rows * Latent);
        using var dmu = Buffer(Rows * Latent);
        using var dlogvar = Buffer(Rows * Latent);
        using var concat = Buffer(Rows * (Latent + 10));
        using var total = Buffer(1);
        using var state1 = Buffer(Hidden * Cols);
        using var state2 = Buffer(Hidden * Cols);
        using var dataset = cpu.Upload<byte>(new byte[1000 * Cols]);
        using var labels = cpu.Upload<byte>(new byte[1000]);
        using var indices = cpu.Upload<int>(Enumerable.Range(0, Rows).Select(i => i * 7).ToArray());
        cpu.Fill(state2, 0.5f);
        cpu.Fill(state1, 0.5f);
        var adam = OptimizerParams.Defaults(OptimizerKind.Adam, 1e-3f);
        var optimizers = Enum.GetValues<OptimizerKind>(); // hoisted: GetValues allocates an array

        void Step()
        {
            cpu.GatherImages(dataset, Cols, indices, Rows, x);
            cpu.GatherOneHot(labels, indices, Rows, 10, concat.Slice(0, Rows * 10));
            cpu.Gemm(GemmLayout.NT, Rows, Hidden, Cols, x, w, h, bias: bias, activation: Activation.Relu);
            cpu.Gemm(GemmLayout.TN, Hidden, Cols, Rows, h, x, dw, accumulate: true);
            cpu.Gemm(GemmLayout.NN, Rows, Cols, Hidden, h, w, targets);
            cpu.ColumnSum(h, Rows, Hidden, bias, accumulate: true);
            cpu.ActivationForward(Activation.Sigmoid, h, h, Rows * Hidden);
            cpu.ActivationBackward(Activation.Tanh, h, dw.Slice(0, Rows * Hidden),
                dw.Slice(0, Rows * Hidden), Rows * Hidden);
            cpu.FillNormal(eps, Rows * Latent, 1, 2);
            cpu.ReparameterizeForward(mu, logvar, eps, z, Rows * Latent, 3, 4);
            cpu.ReparameterizeBackward(z, eps, logvar, dmu, dlogvar, Rows * Latent);
            cpu.BceWithLogits(targets, x, Rows, Cols, rowLoss, dlogits, 1f / Rows);
            cpu.MseOnSigmoid(targets, x, Rows, Cols, rowLoss, dlogits, 1f / Rows);
            cpu.KlDivergence(mu, logvar, Rows, Latent, rowLoss, dmu, dlogvar, 1f / Rows);
            cpu.SumInto(rowLoss, Rows, total);
            cpu.ConcatColumns(z, Latent, concat.Slice(0, Rows * 10), 10, Rows,
                x.Slice(0, Rows * (Latent + 10)));
            cpu.CopyColumns(x, Rows, Latent + 10, 0, z, Latent, 0, Latent);
            foreach (var kind in optimizers)
                cpu.OptimizerStep(adam with { Kind = kind }, w, dw, state1, state2, Hidden * Cols);
            cpu.Fill(dw, 0);
            cpu.Copy<float>(x, targets);
            cpu.Synchronize();
        }

        // Warm up past tiered compilation, then measure.
        for (int i = 0; i < 40; i++) Step();
        Thread.Sleep(300);
        for (int i = 0; i < 10; i++) Step();
        // The caller's and the workers' counters are exact and must not move in any window. The process-wide
        // counter also sees the test host and other test classes' threads, so it gets up to three windows:
        // a per-step leak shows in every one of them, a burst from elsewhere in at most one or two.
        long totalBytes = 0, idleBytes = 0;
        for (int window = 1; window <= 3; window++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            long thread0 = GC.GetAllocatedBytesForCurrentThread(), workers0 = cpu.WorkerAllocatedBytes;
            long total0 = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 50; i++) Step();
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
            long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread0;
            long workerBytes = cpu.WorkerAllocatedBytes - workers0;
            totalBytes = GC.GetTotalAllocatedBytes(precise: true) - total0;
            long idle0 = GC.GetTotalAllocatedBytes(precise: true);
            Thread.Sleep(elapsed);
            idleBytes = GC.GetTotalAllocatedBytes(precise: true) - idle0;
            output.WriteLine($"window {window}: 50 steps in {elapsed.TotalMilliseconds:F0} ms: " +
                $"{threadBytes} bytes on the caller's thread, {workerBytes} on the workers, " +
                $"{totalBytes} process-wide; idle as long: {idleBytes}");
            Assert.True(threadBytes == 0,
                $"op calls allocated {threadBytes} bytes on the calling thread over 50 steps");
            Assert.True(workerBytes == 0,
                $"op calls allocated {workerBytes} bytes on the worker threads over 50 steps");
            // Background allocation (test host, runtime) is not ours; a per-step leak would be 50x larger.
            if (totalBytes <= Math.Max(2 * idleBytes, 16_384)) return;
        }
        Assert.Fail($"process-wide allocation grew by {totalBytes} bytes over 50 steps in each of 3 " +
            $"windows (idle, last window: {idleBytes})");
    }
}
