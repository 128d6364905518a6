// The training options of the root command and how they become a RunConfig: dataset facts first,
// then the preset (if any), then every option the user typed explicitly. Values are checked here so
// that a bad one is reported as one line naming the option and what was expected.
using System.CommandLine;
using System.Globalization;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

/// <summary>The options of a training run, as System.CommandLine symbols.</summary>
internal sealed class TrainOptions
{
    public readonly Option<string> Dataset = Choice("--dataset", "Dataset to train on", "mnist", "mnist",
        "usps", "fashion-mnist");
    public readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder holding mnist/, usps/, fashion-mnist/ " +
            "(default: $VAEGPU_DATA, else ~/.cache/vaegpu/datasets)",
    };
    public readonly Option<string> Model = Choice("--model", "Model family", "vae", "vae", "cvae", "ae");
    public readonly Option<string?> Preset = new("--preset")
    {
        Description = "Architecture preset (pytorch-vae, mnist-vae-512-256, usps-vae-128-64, "
            + "mnist-cvae-400, usps-cvae-400, fc-vae-H)",
    };
    public readonly Option<string> Encoder =
        Text("--encoder", "Encoder hidden sizes, comma-separated", "400");
    public readonly Option<string> Decoder =
        Text("--decoder", "Decoder hidden sizes, comma-separated", "400");
    public readonly Option<int> Latent = Number("--latent", "Latent dimension", 20);
    public readonly Option<string> Activation =
        Choice("--activation", "Hidden activation", "relu", "relu", "leaky-relu", "tanh");
    public readonly Option<string> Recon = Choice("--recon", "Reconstruction loss", "bce", "bce", "mse");
    public readonly Option<double> Beta =
        new("--beta") { Description = "KL weight (beta-VAE)", DefaultValueFactory = _ => 1.0 };
    public readonly Option<int> KlWarmup = Number("--kl-warmup", "Epochs over which beta ramps up from 0", 0);
    public readonly Option<string> Optimizer =
        Choice("--optimizer", "Optimizer", "adam", "adam", "sgd", "rmsprop", "adagrad");
    public readonly Option<double> Lr =
        new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3 };
    public readonly Option<int> BatchSize = Number("--batch-size", "Images per step", 128);
    public readonly Option<int> Epochs = Number("--epochs", "Epochs to train", 10);
    public readonly Option<int?> Limit =
        new("--limit") { Description = "Train on the first N training images only" };
    public readonly Option<string> Accelerator =
        Choice("--accelerator", "Backend to run on", "cpu", "cpu", "opencl", "cuda");
    public readonly Option<int> Device = Number("--device", "Device index within the backend", 0);
    public readonly Option<int> Threads = Number("--threads", "CPU threads (0 = all cores)", 0);
    public readonly Option<ulong> Seed =
        new("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1UL };
    public readonly Option<string?> Out =
        new("--out") { Description = "Run folder (default runs/<time>-<dataset>-<model>)" };
    public readonly Option<string?> Resume =
        new("--resume") { Description = "Continue the run in this folder from its last epoch" };
    public readonly Option<bool> Quiet = new("--quiet") { Description = "Print only the final line" };

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All =>
    [
        Dataset, DataDir, Model, Preset, Encoder, Decoder, Latent, Activation, Recon, Beta, KlWarmup,
        Optimizer, Lr, BatchSize, Epochs, Limit, Accelerator, Device, Threads, Seed, Out, Resume, Quiet,
    ];

    /// <summary>Options that define the model or its data; they cannot change on --resume.</summary>
    public IEnumerable<Option> Fixed =>
        [Dataset, Model, Preset, Encoder, Decoder, Latent, Activation, Recon, Beta, KlWarmup, Optimizer, Lr,
         BatchSize, Limit, Seed, Out];

    /// <summary>Builds the configuration of a new run from the parsed options.</summary>
    public RunConfig ToConfig(ParseResult parse)
    {
        string dataset = parse.GetValue(Dataset)!;
        var (width, height) = DatasetShape(dataset);
        var config = new RunConfig
        {
            Dataset = dataset, InputDim = width * height, ImageWidth = width, ImageHeight = height,
            Classes = 10,
        };
        string? preset = parse.GetValue(Preset);
        if (preset is not null) config = ApplyPreset(config, preset);
        bool Given(Option option) => TrainOptions.Given(parse, option);
        if (Given(Model) || preset is null) config = config with { Model = parse.GetValue(Model)! };
        if (Given(Encoder) || preset is null)
            config = config with { Encoder = Sizes("--encoder", parse.GetValue(Encoder)!) };
        if (Given(Decoder) || preset is null)
            config = config with { Decoder = Sizes("--decoder", parse.GetValue(Decoder)!) };
        if (Given(Latent) || preset is null) config = config with { Latent = parse.GetValue(Latent) };
        config = config with
        {
            Activation = parse.GetValue(Activation)!, Recon = parse.GetValue(Recon)!,
            Beta = parse.GetValue(Beta), KlWarmup = parse.GetValue(KlWarmup),
            Optimizer = parse.GetValue(Optimizer)!, Lr = parse.GetValue(Lr),
            BatchSize = parse.GetValue(BatchSize), Epochs = parse.GetValue(Epochs),
            Limit = parse.GetValue(Limit), Seed = parse.GetValue(Seed),
        };
        return WithDevice(config, parse);
    }

    /// <summary>True when the user typed <paramref name="option"/> (not just its default).</summary>
    public static bool Given(ParseResult parse, Option option) =>
        parse.GetResult(option) is { Implicit: false };

    /// <summary>Applies the device options (which may change on --resume) to a configuration.</summary>
    public RunConfig WithDevice(RunConfig config, ParseResult parse) => config with
    {
        Accelerator = parse.GetValue(Accelerator)!, Device = parse.GetValue(Device),
            Threads = parse.GetValue(Threads),
    };

    /// <summary>
    /// Checks every value; throws <see cref="UserErrorException"/> naming the first bad option.
    /// </summary>
    public static void Validate(RunConfig config)
    {
        if (config.Latent <= 0) throw Bad("--latent", "a positive size", config.Latent);
        if (!(config.Beta >= 0) || !double.IsFinite(config.Beta)) throw Bad("--beta", "a number >= 0",
            config.Beta);
        if (config.KlWarmup < 0) throw Bad("--kl-warmup", "a number of epochs >= 0", config.KlWarmup);
        if (!(config.Lr > 0) || !double.IsFinite(config.Lr)) throw Bad("--lr", "a positive number",
            config.Lr);
        if (config.BatchSize <= 0) throw Bad("--batch-size", "a positive number", config.BatchSize);
        if (config.Epochs <= 0) throw Bad("--epochs", "a positive number", config.Epochs);
        if (config.Limit is <= 0) throw Bad("--limit", "a positive number of images", config.Limit);
        if (config.Device < 0) throw Bad("--device", "an index >= 0", config.Device);
        if (config.Threads < 0) throw Bad("--threads", "a count >= 0 (0 = all cores)", config.Threads);
        if (config.Model == "cvae" && config.Classes <= 0) throw Bad("--model", "a dataset with labels",
            config.Model);
    }

    /// <summary>Image width and height of a dataset name.</summary>
    public static (int Width, int Height) DatasetShape(string dataset) =>
        dataset == "usps" ? (16, 16) : (28, 28);

    internal static RunConfig ApplyPreset(RunConfig config, string name)
    {
        VaeGpu.Layers.ModelConfig preset;
        try { preset = VaeGpu.Layers.ModelConfig.Preset(name); }
        catch (ArgumentException e)
        {
            throw new UserErrorException($"--preset: {e.Message.Split(" (Parameter")[0]}");
        }
        if (preset.InputDim != config.InputDim)
            throw new UserErrorException(
                $"--preset {name}: built for {preset.InputDim} inputs, but {config.Dataset} "
                + $"images have {config.InputDim} pixels; pick a preset for {config.Dataset}");
        return config with
        {
            Preset = name, Model = preset.Kind.ToString().ToLowerInvariant(), Encoder = preset.Encoder,
            Decoder = preset.Decoder, Latent = preset.Latent,
        };
    }

    private static int[] Sizes(string option, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i])
                || sizes[i] <= 0)
                throw Bad(option, "comma-separated positive sizes such as 512,256", text);
        return sizes;
    }

    private static UserErrorException Bad(string option, string expected, object? got) =>
        new($"{option}: expected {expected}, got '{Convert.ToString(got, CultureInfo.InvariantCulture)}'");

    private static Option<string> Choice(string name, string description, string fallback,
        params string[] values)
    {
        var option = new Option<string>(name)
            { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static Option<string> Text(string name, string description, string fallback) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    private static Option<int> Number(string name, string description, int fallback) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };
}
