// A change to the cpu backend timed against the code before it inside one `gan` (or `dcgan`) training run
// on MNIST:
// CpuExperiment.Variant flips between A and B every BLOCK steps and each block's wall time goes to its
// arm, so both arms see the same machine. With A = B (the default, 0 0) it measures its own noise: two
// arms of the same code agree within 0.5% on this machine, where separate runs differ by up to 25%.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- step-ab [A] [B] [steps] [block]
//     [data] [threads] [gan|dcgan]
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Benchmarks.Profile;

/// <summary>Interleaved A/B of a cpu experiment's two variants inside one training run.</summary>
public static class StepAb
{
    /// <summary>Runs the A/B; prints each arm's milliseconds per step and their ratio.</summary>
    public static int Run(string[] args)
    {
        var c = CultureInfo.InvariantCulture;
        string[] names = ["A", "B", "steps", "block", "data", "threads"];
        int[] values = [0, 0, 1500, 10, 0, 2];
        for (int i = 0; i < Math.Min(args.Length, names.Length); i++)
        {
            if (i == 4) continue;
            int min = i < 2 ? 0 : 1;
            if (!int.TryParse(args[i], NumberStyles.Integer, c, out values[i]) || values[i] < min)
            {
                Console.Error.WriteLine($"step-ab: {names[i]} '{args[i]}': expected an integer >= {min}");
                return 2;
            }
        }
        int variantA = values[0], variantB = values[1], steps = values[2], block = values[3];
        if (steps < 2 * block)
        {
            Console.Error.WriteLine($"step-ab: steps {steps}: expected at least two blocks (2 x {block})");
            return 2;
        }
        string dataDir = args.Length > 4 ? args[4] : Path.Combine("..", "shared", "datasets");
        int threads = values[5];
        string model = args.Length > 6 ? args[6] : "gan";
        if (model is not ("gan" or "dcgan"))
        {
            Console.Error.WriteLine($"step-ab: model '{model}': expected gan or dcgan");
            return 2;
        }
        var config = new RunConfig { Model = model == "gan" ? ModelKind.Gan : ModelKind.Dcgan };
        Dataset data;
        try
        {
            data = DatasetLoader.Load(config.Dataset, dataDir);
        }
        catch (DataException e)
        {
            Console.Error.WriteLine($"step-ab: {e.Message}");
            return 2;
        }
        using var acc = Accelerators.Create(AcceleratorKind.Cpu, 0, threads);
        using var gan = ModelFactory.CreateGan(acc, config, config.BatchSize);
        using var train = new DeviceSplit(acc, data.Train, data.Train.Count, config.BatchSize, 0);
        var settings = ModelFactory.OptimizerSettings(config);
        int batch = config.BatchSize, perEpoch = train.Count / batch;
        var seconds = new double[2];
        var counts = new int[2];
        try
        {
            // 200 warm-up steps (JIT, page faults), then blocks alternating A, B, A, ...; full batches of a
            // new shuffle each epoch
            const int warmUp = 200;
            for (int s = 0; s < warmUp + steps; s++)
            {
                int arm = s < warmUp ? 0 : (s - warmUp) / block % 2;
                CpuExperiment.Variant = arm == 0 ? variantA : variantB;
                int index = s % perEpoch;
                if (index == 0)
                    train.UploadOrder(EpochShuffle.Permutation(train.Count, config.Seed, 1 + s / perEpoch));
                long start = Stopwatch.GetTimestamp();
                train.GatherFromOrder(index * batch, batch);
                gan.TrainStep(train.Images, train.OneHot, batch, settings);
                if ((s + 1) % Trainer.LossReadInterval == 0) gan.ReadAndResetLosses();
                double t = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (s >= warmUp) { seconds[arm] += t; counts[arm]++; }
            }
        }
        finally
        {
            CpuExperiment.Variant = 0;
        }
        double a = seconds[0] / counts[0] * 1e3, b = seconds[1] / counts[1] * 1e3;
        Console.WriteLine(string.Create(c,
            $"variant {variantA}: {a:F3} ms/step, variant {variantB}: {b:F3} ms/step, B/A {b / a:F3} "
            + $"({counts[0]} + {counts[1]} steps, {acc.Name})"));
        return 0;
    }
}
