// Kernel launches per training step on the kernel-running backends (OpenCL devices, CUDA where present):
// trains the default VAE, the conv VAE and the gan on MNIST for a few steps exactly as the Trainer's epoch
// loop does (gather, step, loss read every LossReadInterval steps) and reads KernelAccelerator.Launches
// around each step. On a GPU a small batch is launch-bound, so this is the number to keep small.
//   dotnet run -c Release --project benchmarks/VaeGpu.Benchmarks -- launches [steps] [data] [models]
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Gpu;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Benchmarks.Profile;

/// <summary>Launches per training step of the default models on every kernel-running device.</summary>
public static class LaunchCount
{
    /// <summary>
    /// Runs the count; args: steps per model (20), data folder, models (comma list of vae, conv, gan;
    /// default all three).
    /// </summary>
    public static int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        string dataDir = args.Length > 1 ? args[1] : Path.Combine("..", "shared", "datasets");
        string[] models = args.Length > 2 ? args[2].Split(',') : ["vae", "conv", "gan"];
        var baseConfig = new RunConfig();
        var data = DatasetLoader.Load(baseConfig.Dataset, dataDir);
        Console.WriteLine($"# Kernel launches per training step (batch {baseConfig.BatchSize}, MNIST, "
            + $"{steps} steps after one warm-up step; the loss read-back every {Trainer.LossReadInterval})");
        Console.WriteLine();
        Console.WriteLine("| device | model | step (gradients + update) | gather | loss read-back | "
            + "per step in an epoch |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var probe in Accelerators.Probe().Where(p => p.Kind != AcceleratorKind.Cpu))
        {
            if (probe.Unavailable is not null)
                Console.WriteLine($"{probe.Kind}: skipped: {probe.Unavailable}");
            foreach (var device in probe.Devices)
                foreach (string model in models)
                {
                    using var acc = Accelerators.Create(probe.Kind, device.Index);
                    if (acc is not KernelAccelerator kernels) continue;
                    var config = model switch
                    {
                        "vae" => baseConfig,
                        "conv" => baseConfig with { Arch = ModelArch.Conv },
                        "gan" => baseConfig with { Model = ModelKind.Gan },
                        _ => throw new ArgumentException($"unknown model {model} (vae, conv, gan)"),
                    };
                    var counts = Count(kernels, config, data, steps);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {acc.Name} | {model} | {counts.Step:F0} | {counts.Gather:F0} | "
                        + $"{counts.Read:F1} | {counts.Step + counts.Gather + counts.Read:F1} |"));
                }
        }
        return 0;
    }

    // Mean launches per step of the train step itself, of the gather, and of the loss read-backs.
    private static (double Step, double Gather, double Read) Count(KernelAccelerator acc, RunConfig config,
        Dataset data, int steps)
    {
        using var train = new DeviceSplit(acc, data.Train, data.Train.Count, config.BatchSize,
            config.Model == ModelKind.Cgan || config.Model == ModelKind.Cvae ? config.Classes : 0);
        var settings = ModelFactory.OptimizerSettings(config);
        int batch = config.BatchSize;
        train.UploadOrder(EpochShuffle.Permutation(train.Count, config.Seed, 1));
        VaeModel? vae = config.IsGan ? null : ModelFactory.CreateModel(acc, config, batch);
        GanModel? gan = config.IsGan ? ModelFactory.CreateGan(acc, config, batch) : null;
        try
        {
            long step = 0, gather = 0, read = 0;
            for (int s = 0; s <= steps; s++) // step 0 warms up (builds the program, first allocations)
            {
                long before = acc.Launches;
                train.GatherFromOrder(s * batch, batch);
                long gathered = acc.Launches;
                if (vae is not null)
                    vae.TrainStep(train.Images, train.OneHot, batch, vae.Config.FinalKlWeight, settings);
                else
                    gan!.TrainStep(train.Images, train.OneHot, batch, settings);
                long stepped = acc.Launches;
                if ((s + 1) % Trainer.LossReadInterval == 0)
                {
                    if (vae is not null) vae.ReadAndResetLosses();
                    else gan!.ReadAndResetLosses();
                }
                acc.Synchronize();
                if (s == 0) continue;
                gather += gathered - before;
                step += stepped - gathered;
                read += acc.Launches - stepped;
            }
            return ((double)step / steps, (double)gather / steps, (double)read / steps);
        }
        finally
        {
            vae?.Dispose();
            gan?.Dispose();
        }
    }
}
