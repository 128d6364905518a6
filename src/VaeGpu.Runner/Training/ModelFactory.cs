// From a run's configuration to the layers library's ModelConfig and optimizer settings, and the
// accelerator it runs on (a missing backend becomes a user error naming what is absent).
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>Builds the model, optimizer settings and accelerator of a run.</summary>
public static class ModelFactory
{
    /// <summary>The layers library's view of the run's model.</summary>
    public static ModelConfig ToModelConfig(RunConfig run) => new(run.Model, run.InputDim, run.Classes,
        run.Encoder, run.Decoder, run.Latent, run.Activation, run.Recon, (float)run.Beta, run.KlWarmup,
        run.Seed, run.Arch, run.Channels, run.BatchNorm, new ImageShape(1, run.ImageHeight, run.ImageWidth));

    /// <summary>The optimizer settings of the run (PyTorch defaults, the run's learning rate).</summary>
    public static OptimizerParams OptimizerSettings(RunConfig run)
    {
        var settings = Optimizer.Defaults(run.Optimizer, (float)run.Lr);
        // The GANs' Adam uses betas (0.5, 0.999), as the DCGAN paper and the course assignment do.
        return run.IsGan && run.Optimizer == OptimizerKind.Adam ? settings with { Beta1 = 0.5f } : settings;
    }

    /// <summary>The layers library's view of a GAN run.</summary>
    public static GanConfig ToGanConfig(RunConfig run) =>
        new(run.Model, run.InputDim, run.Classes, run.Noise, Seed: run.Seed,
            Image: new ImageShape(1, run.ImageHeight, run.ImageWidth));

    /// <summary>Builds a GAN for batches of up to <paramref name="maxBatch"/>.</summary>
    public static GanModel CreateGan(Accelerator accelerator, RunConfig run, int maxBatch)
    {
        var config = ToGanConfig(run);
        try { config.Validate(); }
        catch (ArgumentException e) { throw new UserErrorException(e.Message); }
        return new GanModel(accelerator, config, maxBatch);
    }

    /// <summary>Builds the model for batches of up to <paramref name="maxBatch"/>.</summary>
    public static VaeModel CreateModel(Accelerator accelerator, RunConfig run, int maxBatch)
    {
        if (run.IsGan)
            throw new UserErrorException($"{run.Model.Name()} is a GAN: this command needs a VAE run");
        var config = ToModelConfig(run);
        try { config.Validate(); }
        catch (ArgumentException e) { throw new UserErrorException(e.Message); }
        return new VaeModel(accelerator, config, maxBatch);
    }

    /// <summary>Opens the run's accelerator; an absent backend or device is a user error.</summary>
    public static Accelerator CreateAccelerator(RunConfig run) =>
        CreateAccelerator(run.Accelerator, run.Device, run.Threads);

    /// <summary>Opens an accelerator; an absent backend or device is a user error.</summary>
    public static Accelerator CreateAccelerator(AcceleratorKind kind, int device, int threads)
    {
        // The cpu backend is one device; a higher index must not silently run on device 0.
        if (kind == AcceleratorKind.Cpu && device != 0)
            throw new UserErrorException($"--device {device}: no device {device} (cpu has one device, 0)");
        try { return Accelerators.Create(kind, device, threads); }
        catch (AcceleratorUnavailableException e)
        {
            throw new UserErrorException($"--accelerator {kind.Name()}: {e.Message}");
        }
    }
}
