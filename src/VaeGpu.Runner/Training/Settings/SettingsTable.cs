// Every setting of a training run, once, in the order they are applied: the dataset first (it fixes
// the image size), then a preset (it fixes model and sizes), then the rest; hidden and the depths
// rewrite the layer lists given before them. The command line's options and help, the sweep keys,
// config.json's keys and the checks all come from this list (SettingsTableTests proves they agree).
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.Training.Settings;

/// <summary>The run settings, in application order.</summary>
public static partial class SettingsTable
{
    private const string Sizes = "positive layer sizes separated by ',' or ':' such as 512,256";
    private static readonly string[] DatasetNames = [.. DatasetCatalog.All.Select(d => d.Name)];

    /// <summary>Every setting, in the order a configuration applies them.</summary>
    public static IReadOnlyList<Setting> All { get; } =
    [
        new Setting<string>("dataset", "Dataset to train on", Choice(DatasetNames), Text,
            DatasetNames.Contains, c => c.Dataset, WithDataset, choices: DatasetNames),
        new Setting<string?>("preset", "Architecture preset (" + string.Join(", ",
                ModelConfig.Presets.Select(p => p.Name)) + "); sets model, encoder, decoder, latent",
            "a preset name (" + string.Join(", ", ModelConfig.Presets.Select(p => p.Name)) + ")",
            OptionalText, IsPreset, c => c.Preset, (c, v) => WithPreset(c, v!)).For(SettingScope.Vae),
        Enum<ModelKind>("model", "Model family", c => c.Model, (c, v) => c with { Model = v }),
        Enum<ModelArch>("arch", "Encoder/decoder architecture (conv: stride-2 convolutions, hidden 256)",
            c => c.Arch, WithArch).For(SettingScope.Vae),
        new Setting<int[]>("channels", "Conv channels of the stride-2 layers (conv only, e.g. 32,64)", Sizes,
            LayerList, v => v.Length > 0, c => c.Channels, (c, v) => c with { Channels = v }, FormatSizes)
            .For(SettingScope.Conv),
        new Setting<bool>("batch-norm", "BatchNorm2d after each hidden conv (conv only)",
            "true or false (or no value for true)", Flag, _ => true, c => c.BatchNorm,
            (c, v) => c with { BatchNorm = v }, v => v ? "true" : "false").For(SettingScope.Conv),
        new Setting<int[]>("encoder", "Encoder hidden sizes (e.g. 512,256)", Sizes, LayerList,
            v => v.Length > 0, c => c.Encoder, (c, v) => c with { Encoder = v }, FormatSizes)
            .For(SettingScope.Vae),
        new Setting<int[]>("decoder", "Decoder hidden sizes (e.g. 256,512)", Sizes, LayerList,
            v => v.Length > 0, c => c.Decoder, (c, v) => c with { Decoder = v }, FormatSizes)
            .For(SettingScope.Vae),
        Positive("latent", "Latent dimension", c => c.Latent, (c, v) => c with { Latent = v })
            .For(SettingScope.Vae),
        Positive("noise", "GAN noise width (uniform in [-1, 1])", c => c.Noise,
            (c, v) => c with { Noise = v }).For(SettingScope.Gan),
        Shorthand("hidden", "Every hidden layer of encoder and decoder gets this size",
            (c, v) => c with
            {
                Encoder = Repeat(v, c.Encoder.Length), Decoder = Repeat(v, c.Decoder.Length),
            }).For(SettingScope.Vae),
        Shorthand("depth", "Encoder and decoder get this many hidden layers (of their first size)",
            (c, v) => c with { Encoder = Repeat(c.Encoder[0], v), Decoder = Repeat(c.Decoder[^1], v) })
            .For(SettingScope.Vae),
        Shorthand("encoder-depth", "The encoder gets this many hidden layers (of its first size)",
            (c, v) => c with { Encoder = Repeat(c.Encoder[0], v) }).For(SettingScope.Vae),
        Enum<Activation>("activation", "Hidden activation", c => c.Activation,
            (c, v) => c with { Activation = v }).For(SettingScope.Vae),
        Enum<ReconstructionLoss>("recon", "Reconstruction loss", c => c.Recon,
            (c, v) => c with { Recon = v }).For(SettingScope.Vae),
        new Setting<double>("beta", "KL weight (beta-VAE)", "a number >= 0", Real, v => v >= 0,
            c => c.Beta, (c, v) => c with { Beta = v }, FormatReal).For(SettingScope.Vae),
        Count("kl-warmup", "Epochs over which beta ramps up from 0", "a number of epochs >= 0",
            c => c.KlWarmup, (c, v) => c with { KlWarmup = v }).For(SettingScope.Vae),
        Enum<OptimizerKind>("optimizer", "Optimizer", c => c.Optimizer, (c, v) => c with { Optimizer = v }),
        new Setting<double>("lr", "Learning rate", "a positive number", Real, v => v > 0, c => c.Lr,
            (c, v) => c with { Lr = v }, FormatReal),
        Positive("batch-size", "Images per step", c => c.BatchSize, (c, v) => c with { BatchSize = v },
            aliases: ["batch"]),
        Positive("epochs", "Epochs to train", c => c.Epochs, (c, v) => c with { Epochs = v }, resume: true),
        new Setting<int?>("limit", "Train on the first N training images only", "a positive number of images",
            (string t, out int? v) => { v = Int(t, out int n) ? n : null; return v is not null; },
            v => v > 0, c => c.Limit, (c, v) => c with { Limit = v }),
        new Setting<ulong>("seed", "Random seed (weights, shuffles, sampling)", "a non-negative integer",
            (string t, out ulong v) =>
                ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v),
            _ => true, c => c.Seed, (c, v) => c with { Seed = v }),
        Enum<AcceleratorKind>("accelerator", "Backend to run on", c => c.Accelerator,
            (c, v) => c with { Accelerator = v }, device: true),
        Count("device", "Device index within the backend", "an index >= 0", c => c.Device,
            (c, v) => c with { Device = v }, device: true),
        Count("threads", "CPU threads (0 = all cores)", "a count >= 0 (0 = all cores)", c => c.Threads,
            (c, v) => c with { Threads = v }, device: true),
    ];
}
