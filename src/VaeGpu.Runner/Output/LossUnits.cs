// The units a run's losses are in, for charts and reports: a Bernoulli likelihood (bce) gives nats;
// mse is a squared error summed over the pixels (values in [0, 1]), not a log-likelihood, and a vae
// with mse adds a KL in nats to it. One place, so every page says the same.
using VaeGpu.Layers;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

/// <summary>Names the units of a run's losses.</summary>
public static class LossUnits
{
    /// <summary>The axis label of a run's total loss, e.g. "nats per image".</summary>
    public static string PerImage(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Recon != ReconstructionLoss.Mse) return "nats per image";
        return config.IsAutoencoder
            ? "squared error per image"
            : "squared error + beta KL per image";
    }

    /// <summary>A short tag of the units for titles: "nats" or "squared error".</summary>
    public static string Short(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Recon == ReconstructionLoss.Mse ? "squared error" : "nats";
    }
}
