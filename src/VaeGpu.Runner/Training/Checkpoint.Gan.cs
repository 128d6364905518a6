// A GAN's checkpoint: the same files as a VAE's (model.safetensors with generator.* and
// discriminator.* tensors under PyTorch nn.Sequential names, optimizer.safetensors with both halves'
// Adam state), plus the architecture of G and D as PyTorch module lists in the model file's metadata.
using System.Text.Json;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training;

public static partial class Checkpoint
{
    /// <summary>Saves a GAN after <paramref name="epoch"/> completed epochs.</summary>
    public static void Save(string runDir, GanModel model, RunConfig config, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        SaveCore(runDir, model.Parameters, model.StepCount, config, epoch, Architecture(model.Config));
    }

    /// <summary>Loads a GAN (and, when <paramref name="withOptimizer"/>, its optimizer state and step
    /// counter); returns the epoch.</summary>
    public static int Load(string runDir, GanModel model, bool withOptimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        int epoch = LoadCore(runDir, model.Parameters, withOptimizer, out long steps);
        if (withOptimizer) model.StepCount = steps;
        return epoch;
    }

    /// <summary>The "architecture" metadata: {"generator": [...], "discriminator": [...]} as JSON.</summary>
    public static Dictionary<string, string> Architecture(GanConfig config)
    {
        var (generator, discriminator) = GanModel.Architecture(config);
        return new()
        {
            ["architecture"] = JsonSerializer.Serialize(new Dictionary<string, string[]>
            {
                ["generator"] = generator, ["discriminator"] = discriminator,
            }),
        };
    }
}
