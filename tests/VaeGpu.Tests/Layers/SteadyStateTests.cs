// The training step's promises beyond correctness: it allocates nothing on the managed heap once
// warmed up, and a run saved (parameters, optimizer state, step counter) and resumed continues
// bit-identically to one that never stopped.
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using Xunit.Abstractions;

using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Layers;

public sealed class SteadyStateTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("pytorch-vae", 64)]
    [InlineData("mnist-cvae-400", 37)]
    [InlineData("ae-mse", 50)]
    public void TrainStepAllocatesNothingAfterWarmUp(string model, int batch)
    {
        // Measured in a fresh process: the test host's own threads allocate a few KB per second,
        // which an in-process GC.GetTotalAllocatedBytes would count (measured: 2.6 to 10 KB per idle 2 s).
        var (exitCode, text) = AllocationProbe.RunOutOfProcess(model, batch);
        output.WriteLine(text);
        Assert.True(exitCode == 0, $"allocation probe failed (exit code {exitCode}):\n{text}");
        var line = text.Split('\n').Single(l => l.StartsWith("allocated ", StringComparison.Ordinal));
        long allocated = long.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(allocated == 0,
            $"{allocated} managed bytes allocated in each window of 100 steady-state steps:\n{text}");
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.Adagrad)]
    public void ResumedRunContinuesBitIdentically(OptimizerKind kind)
    {
        int seed = TestRandom.FreshSeed();
        var random = new System.Random(seed);
        var config = new ModelConfig(ModelKind.Cvae, 29, 3, [17], [13, 11], 4, Seed: (ulong)seed);
        const int Batch = 6;
        using var acc = new CpuAccelerator();
        using var x = acc.Upload<float>(Float64Reference.RandomFloats(random, Batch * 29, 0, 1));
        var oneHot = new float[Batch * 3];
        for (int b = 0; b < Batch; b++) oneHot[b * 3 + b % 3] = 1;
        using var y = acc.Upload<float>(oneHot);
        var settings = Optimizer.Defaults(kind, 0.01f);

        using var straight = new VaeModel(acc, config, Batch);
        for (int step = 0; step < 3; step++) straight.TrainStep(x, y, Batch, 1f, settings);
        var saved = Snapshot(straight);
        straight.ReadAndResetLosses(); // the straight run's interval starts here too
        var expected = new float[5];
        for (int step = 0; step < 5; step++)
        {
            straight.TrainStep(x, y, Batch, 1f, settings);
            expected[step] = (float)straight.ReadAndResetLosses().Total(1);
        }

        using var resumed = new VaeModel(acc, config with { Seed = (ulong)seed + 1 }, Batch); // other init
        resumed.Parameters.WriteValues(saved.Values);
        resumed.Parameters.WriteState(1, saved.State1);
        resumed.Parameters.WriteState(2, saved.State2);
        resumed.Optimizer.StepCount = saved.Step;
        var actual = new float[5];
        for (int step = 0; step < 5; step++)
        {
            resumed.TrainStep(x, y, Batch, 1f, settings);
            actual[step] = (float)resumed.ReadAndResetLosses().Total(1);
        }
        output.WriteLine($"{kind}, seed {seed}: losses {string.Join(", ", actual)}");
        // The resumed model was built with another seed, so eps streams differ unless the config is
        // the saved one: use the straight model's seed by comparing against a model with the same config.
        Assert.NotEqual(expected, actual);

        using var sameConfig = new VaeModel(acc, config, Batch);
        sameConfig.Parameters.WriteValues(saved.Values);
        sameConfig.Parameters.WriteState(1, saved.State1);
        sameConfig.Parameters.WriteState(2, saved.State2);
        sameConfig.Optimizer.StepCount = saved.Step;
        for (int step = 0; step < 5; step++)
        {
            sameConfig.TrainStep(x, y, Batch, 1f, settings);
            actual[step] = (float)sameConfig.ReadAndResetLosses().Total(1);
        }
        Assert.Equal(expected, actual);
        Assert.Equal(Snapshot(straight).Values, Snapshot(sameConfig).Values);
    }

    private static (float[] Values, float[] State1, float[] State2, long Step) Snapshot(VaeModel model)
    {
        int n = model.Parameters.Count;
        var (values, s1, s2) = (new float[n], new float[n], new float[n]);
        model.Parameters.ReadValues(values);
        model.Parameters.ReadState(1, s1);
        model.Parameters.ReadState(2, s2);
        return (values, s1, s2, model.StepCount);
    }
}
