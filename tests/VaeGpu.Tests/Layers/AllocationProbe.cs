// The zero-allocation measurement, run in a fresh process (`dotnet VaeGpu.Tests.dll alloc-probe
// MODEL BATCH`) so that nothing but the training loop runs while GC.GetTotalAllocatedBytes(true) is
// read: warm-up steps, then windows of 100 steady-state steps (gather, train step, a loss read every
// 10 steps) until one allocates nothing, three at most.
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;

namespace VaeGpu.Tests.Layers;

internal static class AllocationProbe
{
    private const int WarmUpSteps = 60, MeasuredSteps = 100, Windows = 3, Images = 300;

    /// <summary>Starts this assembly as a program in probe mode; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunOutOfProcess(string model, int batch)
    {
        string assembly = typeof(AllocationProbe).Assembly.Location;
        string host = Environment.ProcessPath is { } path
            && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? path
            : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { assembly, "alloc-probe", model,
            batch.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {host}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"probe timed out after 3 minutes\n{stdout}");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>The probe itself: returns 0 and prints "allocated N ..." on success.</summary>
    public static int Run(string model, int batch)
    {
        if (model == "conv-layers") return ConvAllocationProbe.Run(batch);
        if (model == "dcgan") return DcganAllocationProbe.Run(batch);
        var config = model switch
        {
            "ae-mse" => ModelConfig.Default with { Kind = ModelKind.Ae, Recon = ReconstructionLoss.Mse },
            _ => ModelConfig.Preset(model),
        };
        using var acc = new CpuAccelerator();
        using var vae = new VaeModel(acc, config, batch);
        int d = config.InputDim, c = Math.Max(config.Classes, 1);
        var random = new System.Random(12345);
        var pixels = new byte[Images * d];
        random.NextBytes(pixels);
        using var data = acc.Upload<byte>(pixels);                                   // (N, D) bytes
        using var labels = acc.Upload<byte>(Enumerable.Range(0, Images).Select(i => (byte)(i % c)).ToArray());
        var order = Enumerable.Range(0, Images).Select(_ => random.Next(Images)).ToArray();
        using var indices = acc.Upload<int>(order);
        using var x = acc.Allocate<float>(batch * d);                               // (B, D)
        using var y = acc.Allocate<float>(batch * c);                               // (B, C)
        var settings = Optimizer.Defaults(OptimizerKind.Adam);
        int batchesPerPass = Images / batch;
        double lastLoss = double.NaN;

        void Step(int step)
        {
            var batchIndices = indices.Slice(step % batchesPerPass * batch, batch);
            acc.GatherImages(data, d, batchIndices, batch, x);
            BufferView<float> labelView = default;
            if (config.Kind == ModelKind.Cvae)
            {
                acc.GatherOneHot(labels, batchIndices, batch, config.Classes, y);
                labelView = y.View;
            }
            vae.TrainStep(x, labelView, batch, config.KlWeight(step / 10.0), settings);
            if (step % 10 == 9) // the logging interval's one read
                lastLoss = vae.ReadAndResetLosses().Total(config.Beta);
        }

        for (int step = 0; step < WarmUpSteps; step++) Step(step); // JIT, tiering, worker pool, first uses
        Thread.Sleep(300); // let background tier-1 compilation settle
        // Up to three windows of 100 steps: an allocation made by every step, or every logging interval,
        // shows in each window; a one-time lazy initialization that a loaded machine delays past the
        // warm-up (seen: 88 bytes once, on this thread, under load average ~28) shows in one at most.
        int next = WarmUpSteps;
        long allocated = -1;
        for (int window = 0; window < Windows && allocated != 0; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long beforeThread = GC.GetAllocatedBytesForCurrentThread();
            long startTicks = Stopwatch.GetTimestamp(); // not Stopwatch.StartNew: that allocates 40 bytes
            for (int end = next + MeasuredSteps; next < end; next++) Step(next);
            var elapsed = Stopwatch.GetElapsedTime(startTicks);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            long thread = GC.GetAllocatedBytesForCurrentThread() - beforeThread;
            Console.WriteLine(FormattableString.Invariant(
                $"window {window + 1}: {allocated} bytes in the process (this thread {thread}) over ")
                + FormattableString.Invariant($"{MeasuredSteps} steps; {model}, batch {batch}, {acc.Name}, ")
                + FormattableString.Invariant($"{elapsed.TotalMilliseconds / MeasuredSteps:F1} ms/step, ")
                + FormattableString.Invariant($"last loss {lastLoss:F2}, steps {vae.StepCount}"));
        }
        Console.WriteLine(FormattableString.Invariant($"allocated {allocated} bytes in the last window"));
        return double.IsFinite(lastLoss) && vae.StepCount == next ? 0 : 1;
    }
}

/// <summary>
/// Entry point of the test assembly as a program (GenerateProgramFile is off in the csproj): runs the
/// allocation probe when asked; does nothing otherwise, like the test SDK's generated Main.
/// </summary>
internal static class TestProgram
{
    public static int Main(string[] args) =>
        args.Length == 3 && args[0] == "alloc-probe"
            ? AllocationProbe.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture))
            : 0;
}
