// The zero-allocation probe for a training step through the convolutional layers (run out of process
// like AllocationProbe: `dotnet VaeGpu.Tests.dll alloc-probe conv-layers BATCH`): a small conv
// autoencoder on 28 x 28 images - Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear, Unflatten,
// ConvTranspose2d - with BCE on logits and Adam, so every new layer's forward and backward runs.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;

namespace VaeGpu.Tests.Layers;

internal static class ConvAllocationProbe
{
    private const int WarmUpSteps = 20, MeasuredSteps = 30, Windows = 3;

    /// <summary>Returns 0 and prints "allocated N ..." on success.</summary>
    public static int Run(int batch)
    {
        using var acc = new CpuAccelerator();
        var shapes = Conv2d.ParameterShapes("enc.0", 1, 16, 4).Concat(BatchNorm.ParameterShapes("enc.1", 16))
            .Concat(Conv2d.ParameterShapes("enc.3", 16, 32, 4)).Concat(Linear.ParameterShapes("enc.6",
                288, 10))
            .Concat(Linear.ParameterShapes("dec.0", 10, 32 * 7 * 7))
            .Concat(ConvTranspose2d.ParameterShapes("dec.2", 32, 16, 4))
            .Concat(ConvTranspose2d.ParameterShapes("dec.4", 16, 1, 4));
        using var arena = new ParameterArena(acc, shapes);
        using var ws = new Workspace(acc, batch);
        ImageShape s0 = new(1, 28, 28), s1 = new(16, 14, 14), s2 = new(32, 7, 7), s3 = new(32, 3, 3);
        var net = new Sequential([
            new Conv2d(ws, arena, "enc.0", s0, 16, 4, 2, 1), new BatchNorm(ws, arena, "enc.1", s1),
            new ActivationLayer(ws, s1, Activation.Relu), new Conv2d(ws, arena, "enc.3", s1, 32, 4, 2, 1),
            new MaxPool2d(ws, s2, 2), new Flatten(ws, s3), new Linear(ws, arena, "enc.6", 288, 10,
                Activation.Tanh),
            new Linear(ws, arena, "dec.0", 10, 32 * 7 * 7, Activation.Relu), new Unflatten(ws, s2),
            new ConvTranspose2d(ws, arena, "dec.2", s2, 16, 4, 2, 1), new ActivationLayer(ws, s1,
                Activation.Relu),
            new ConvTranspose2d(ws, arena, "dec.4", s1, 1, 4, 2, 1)]);
        var random = new SplitMix64(7);
        var values = new float[arena.Count];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextUniform(0.1f);
        arena.WriteValues(values);
        foreach (var layer in net.Layers) if (layer is BatchNorm bn) bn.ResetParameters();
        var pixels = new float[batch * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextFloat();
        using var x = acc.Upload<float>(pixels);       // (B, 784)
        using var rowLoss = acc.Allocate<float>(batch); // (B)
        var input = new Tensor(x, batch, 784);
        var optimizer = new Optimizer(arena);
        var settings = Optimizer.Defaults(OptimizerKind.Adam);

        void Step()
        {
            arena.ZeroGradients();
            var logits = net.Forward(input);
            acc.BceWithLogits(logits.View, x, batch, 784, rowLoss, net.OutputGrad.View, 1f / batch);
            net.Backward(default);
            optimizer.Step(settings);
        }

        for (int step = 0; step < WarmUpSteps; step++) Step();
        Thread.Sleep(300);
        long allocated = -1;
        for (int window = 0; window < Windows && allocated != 0; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long startTicks = Stopwatch.GetTimestamp();
            for (int step = 0; step < MeasuredSteps; step++) Step();
            var elapsed = Stopwatch.GetElapsedTime(startTicks);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Console.WriteLine(FormattableString.Invariant(
                $"window {window + 1}: {allocated} bytes over {MeasuredSteps} conv-layer steps, ")
                + FormattableString.Invariant($"batch {batch}, ")
                + FormattableString.Invariant($"{elapsed.TotalMilliseconds / MeasuredSteps:F1} ms/step"));
        }
        Console.WriteLine(FormattableString.Invariant($"allocated {allocated} bytes in the last window"));
        return 0;
    }
}
