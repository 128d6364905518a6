// Everything that defines a run: the model (enough to rebuild it in another framework) and the
// training options. Saved as config.json (snake_case keys) next to model.safetensors, and read back
// by --resume, sample and eval.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaeGpu.Runner.Training;

/// <summary>A run's model and training settings, as stored in config.json.</summary>
public sealed record RunConfig
{
    /// <summary>vae, cvae or ae.</summary>
    public string Model { get; init; } = "vae";
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
    /// <summary>Latent dimension.</summary>
    public int Latent { get; init; } = 20;
    /// <summary>relu, leaky-relu or tanh.</summary>
    public string Activation { get; init; } = "relu";
    /// <summary>bce or mse.</summary>
    public string Recon { get; init; } = "bce";
    /// <summary>Weight of the KL term (beta-VAE when not 1).</summary>
    public double Beta { get; init; } = 1;
    /// <summary>Seed of every random stream (initialization, shuffling, sampling).</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Epochs over which beta ramps linearly from 0 (0 = no warm-up).</summary>
    public int KlWarmup { get; init; }
    /// <summary>adam, sgd, rmsprop or adagrad.</summary>
    public string Optimizer { get; init; } = "adam";
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
    public string Accelerator { get; init; } = "cpu";
    /// <summary>Device index within the backend.</summary>
    public int Device { get; init; }
    /// <summary>CPU threads (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>True for the conditional VAE (labels are inputs).</summary>
    [JsonIgnore] public bool IsConditional => Model == "cvae";

    /// <summary>True for the plain autoencoder (no sampling, no KL).</summary>
    [JsonIgnore] public bool IsAutoencoder => Model == "ae";

    /// <summary>JSON settings: snake_case keys, indented, nulls kept.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Serializes to config.json text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

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
}

/// <summary>An error the user caused (bad option, missing file); reported as one line, exit code 2.</summary>
public sealed class UserErrorException(string message) : Exception(message);
