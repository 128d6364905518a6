// From a run's configuration to the layers library's ModelConfig and optimizer settings, and the
// accelerator it runs on (a missing backend becomes a user error naming what is absent).
using VaeGpu.Kernels;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training;

/// <summary>Builds the model, optimizer settings and accelerator of a run.</summary>
public static class ModelFactory
{
    /// <summary>The layers library's view of the run's model.</summary>
    public static ModelConfig ToModelConfig(RunConfig run) => new(
        run.Model switch { "vae" => ModelKind.Vae, "cvae" => ModelKind.Cvae, "ae" => ModelKind.Ae,
            _ => throw new UserErrorException($"model: expected vae, cvae or ae, got '{run.Model}'") },
        run.InputDim, run.Classes, run.Encoder, run.Decoder, run.Latent,
        run.Activation switch
        {
            "relu" => Activation.Relu, "leaky-relu" => Activation.LeakyRelu, "tanh" => Activation.Tanh,
            _ => throw new UserErrorException(
                $"activation: expected relu, leaky-relu or tanh, got '{run.Activation}'"),
        },
        run.Recon switch { "bce" => ReconstructionLoss.Bce, "mse" => ReconstructionLoss.Mse,
            _ => throw new UserErrorException($"recon: expected bce or mse, got '{run.Recon}'") },
        (float)run.Beta, run.KlWarmup, run.Seed);

    /// <summary>The optimizer settings of the run (PyTorch defaults, the run's learning rate).</summary>
    public static OptimizerParams OptimizerSettings(RunConfig run)
    {
        var kind = run.Optimizer switch
        {
            "adam" => OptimizerKind.Adam, "sgd" => OptimizerKind.Sgd, "rmsprop" => OptimizerKind.RmsProp,
            "adagrad" => OptimizerKind.Adagrad,
            _ => throw new UserErrorException(
                $"optimizer: expected adam, sgd, rmsprop or adagrad, got '{run.Optimizer}'"),
        };
        return Optimizer.Defaults(kind, (float)run.Lr);
    }

    /// <summary>Builds the model for batches of up to <paramref name="maxBatch"/>.</summary>
    public static VaeModel CreateModel(Accelerator accelerator, RunConfig run, int maxBatch)
    {
        var config = ToModelConfig(run);
        try { config.Validate(); }
        catch (ArgumentException e) { throw new UserErrorException(e.Message); }
        return new VaeModel(accelerator, config, maxBatch);
    }

    /// <summary>Opens the run's accelerator; an absent backend or device is a user error.</summary>
    public static Accelerator CreateAccelerator(string name, int device, int threads)
    {
        if (!Accelerators.TryParseKind(name, out var kind))
            throw new UserErrorException($"--accelerator: expected cpu, opencl or cuda, got '{name}'");
        try { return Accelerators.Create(kind, device, threads); }
        catch (AcceleratorUnavailableException e)
        {
            throw new UserErrorException($"--accelerator {name}: {e.Message}");
        }
    }
}
