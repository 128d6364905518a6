// Everything that defines a run: the model (enough to rebuild it in another framework) and the
// training options. Saved as config.json (snake_case keys) next to model.safetensors, and read back
// by --resume, sample and eval. SettingsTable says which properties the user sets and how; the rest are
// facts of the dataset and where its files were found.
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>A run's model and training settings, as stored in config.json.</summary>
public sealed record RunConfig
{
    /// <summary>vae, cvae or ae.</summary>
    public ModelKind Model { get; init; } = ModelKind.Vae;
    /// <summary>mnist, usps or fashion-mnist.</summary>
    public string Dataset { get; init; } = "mnist";
    /// <summary>Pixels per image (width x height).</summary>
    public int InputDim { get; init; } = 784;
    /// <summary>Image width in pixels.</summary>
    public int ImageWidth { get; init; } = 28;
    /// <summary>Image height in pixels.</summary>
    public int ImageHeight { get; init; } = 28;
    /// <summary>Number of label classes (the CVAE's one-hot width).</summary>
    public int Classes { get; init; } = 10;
    /// <summary>Encoder hidden layer sizes.</summary>
    public int[] Encoder { get; init; } = [400];
    /// <summary>Decoder hidden layer sizes.</summary>
    public int[] Decoder { get; init; } = [400];
    /// <summary>GAN noise width (uniform in [-1, 1]); GANs only.</summary>
    public int Noise { get; init; } = 96;
    /// <summary>mlp or conv: how encoder and decoder are built.</summary>
    public ModelArch Arch { get; init; } = ModelArch.Mlp;
    /// <summary>Conv channels of the stride-2 layers (conv only).</summary>
    public int[] Channels { get; init; } = [32, 64];
    /// <summary>BatchNorm2d after each hidden conv (conv only).</summary>
    public bool BatchNorm { get; init; }
    /// <summary>Latent dimension.</summary>
    public int Latent { get; init; } = 20;
    /// <summary>relu, leaky-relu or tanh.</summary>
    public Activation Activation { get; init; } = Activation.Relu;
    /// <summary>bce or mse.</summary>
    public ReconstructionLoss Recon { get; init; } = ReconstructionLoss.Bce;
    /// <summary>Weight of the KL term (beta-VAE when not 1).</summary>
    public double Beta { get; init; } = 1;
    /// <summary>Seed of every random stream (initialization, shuffling, sampling).</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Epochs over which beta ramps linearly from 0 (0 = no warm-up).</summary>
    public int KlWarmup { get; init; }
    /// <summary>adam, sgd, rmsprop or adagrad.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Learning rate.</summary>
    public double Lr { get; init; } = 1e-3;
    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Use only the first N training images (null = all).</summary>
    public int? Limit { get; init; }
    /// <summary>Preset name the sizes came from, if any.</summary>
    public string? Preset { get; init; }
    /// <summary>cpu, opencl or cuda (the backend the run was trained on).</summary>
    public AcceleratorKind Accelerator { get; init; } = AcceleratorKind.Cpu;
    /// <summary>Device index within the backend.</summary>
    public int Device { get; init; }
    /// <summary>CPU threads (0 = all cores).</summary>
    public int Threads { get; init; }
    /// <summary>The absolute folder the dataset's files were read from (--resume, eval and sample look
    /// there first); null in runs made before it was recorded.</summary>
    public string? DataFolder { get; init; }

    /// <summary>True for the conditional models, cvae and cgan (labels are inputs).</summary>
    [JsonIgnore] public bool IsConditional => Model.IsConditional();

    /// <summary>True for the GANs (gan, lsgan, cgan, dcgan).</summary>
    [JsonIgnore] public bool IsGan => Model.IsGan();

    /// <summary>True for the plain autoencoder (no sampling, no KL).</summary>
    [JsonIgnore] public bool IsAutoencoder => Model == ModelKind.Ae;

    /// <summary>JSON settings: snake_case keys, indented, nulls kept.</summary>
    public static readonly JsonSerializerOptions Json = CreateJsonOptions();

    /// <summary>Throws a <see cref="UserErrorException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (SettingsTable.Check(this) is { } message) throw new UserErrorException(message);
    }

    /// <summary>Serializes to config.json text, with the model's torch.nn layer list ("architecture";
    /// written for PyTorch users, ignored when read back).</summary>
    public string ToJson()
    {
        var json = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        try { json["architecture"] = ArchitectureJson.Of(this); }
        catch (ArgumentException) { } // an invalid config (reported by Validate) has no architecture
        return json.ToJsonString(Json) + "\n";
    }

    /// <summary>Reads config.json; a bad file is a <see cref="UserErrorException"/> naming it.</summary>
    public static RunConfig Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), Json)
                ?? throw new UserErrorException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path}: not a valid VaeGpu config.json ({e.Message})");
        }
        catch (FileNotFoundException)
        {
            throw new UserErrorException($"{path} not found: is this a VaeGpu run folder?");
        }
        catch (DirectoryNotFoundException)
        {
            throw new UserErrorException($"{path} not found: is this a VaeGpu run folder?");
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
        };
        EnumNames.AddConverters(options);
        return options;
    }
}

/// <summary>An error the user caused (bad option, missing file); reported as one line, exit code 2.</summary>
public sealed class UserErrorException(string message) : Exception(message);
