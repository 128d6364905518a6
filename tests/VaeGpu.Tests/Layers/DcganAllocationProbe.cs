// A dcgan training step (D update and G update, batch norm in training mode) allocates nothing on the
// managed heap once warmed up; run out of process like AllocationProbe
// (`dotnet VaeGpu.Tests.dll alloc-probe dcgan BATCH`), on USPS-sized 16x16 images with random pixels.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Layers;

internal static class DcganAllocationProbe
{
    private const int WarmUpSteps = 10, MeasuredSteps = 20, Windows = 3;

    /// <summary>Returns 0 and prints "allocated N ..." on success.</summary>
    public static int Run(int batch)
    {
        using var acc = new CpuAccelerator();
        var config = new GanConfig(ModelKind.Dcgan, 256, Noise: 96, Image: new ImageShape(1, 16, 16));
        using var model = new GanModel(acc, config, batch);
        var random = new SplitMix64(7);
        var pixels = new float[batch * 256];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextFloat();
        using var x = acc.Upload<float>(pixels); // (B, 256) in [0, 1]
        var settings = Optimizer.Defaults(OptimizerKind.Adam, 1e-3f) with { Beta1 = 0.5f };
        for (int step = 0; step < WarmUpSteps; step++) model.TrainStep(x, default, batch, settings);
        model.ReadAndResetLosses();
        Thread.Sleep(300);
        long allocated = -1;
        for (int window = 0; window < Windows && allocated != 0; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long startTicks = Stopwatch.GetTimestamp();
            for (int step = 0; step < MeasuredSteps; step++) model.TrainStep(x, default, batch, settings);
            var elapsed = Stopwatch.GetElapsedTime(startTicks);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Console.WriteLine(FormattableString.Invariant(
                $"window {window + 1}: {allocated} bytes over {MeasuredSteps} dcgan steps, batch {batch}, ")
                + FormattableString.Invariant($"{elapsed.TotalMilliseconds / MeasuredSteps:F1} ms/step"));
        }
        var losses = model.ReadAndResetLosses(); // the steps ran: finite losses over every image
        Console.WriteLine(
            FormattableString.Invariant($"losses over {losses.Count} images: d {losses.DLoss:F4}"));
        Console.WriteLine(FormattableString.Invariant($"allocated {allocated} bytes in the last window"));
        return double.IsFinite(losses.DLoss) && losses.Count > 0 ? 0 : 1;
    }
}

public sealed class DcganSteadyStateTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(16)]
    [InlineData(7)]
    public void DcganStepAllocatesNothingAfterWarmUp(int batch)
    {
        var (exitCode, text) = AllocationProbe.RunOutOfProcess("dcgan", batch);
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"allocation probe failed (exit code {exitCode}):\n{text}");
        var line = text.Split('\n').Single(l => l.StartsWith("allocated ", StringComparison.Ordinal));
        long allocated = long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(allocated == 0,
            $"{allocated} managed bytes allocated per window of dcgan steps:\n{text}");
    }
}
