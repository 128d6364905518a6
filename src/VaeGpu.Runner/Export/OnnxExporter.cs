// The export service behind `VaeGpu.Runner export`: loads a run folder through the checkpoint code
// (config.json + model.safetensors, shapes checked), builds the ONNX graph of the asked part, stores the
// signature and the run's config in the model's metadata, and writes the file to a temp name and
// renames it. Every error a user can cause is a UserErrorException with one line.
using System.Globalization;
using Onnx;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Export;

/// <summary>Exports a trained model's decoder or encoder, or a GAN's generator, as ONNX.</summary>
public static class OnnxExporter
{
    /// <summary>Metadata keys stored in every exported file.</summary>
    public const string PartKey = "part", InputsKey = "inputs", OutputsKey = "outputs", ConfigKey = "config",
        EpochKey = "epoch", WidthKey = "image_width", HeightKey = "image_height", LatentKey = "latent",
        NoiseKey = "noise", ClassesKey = "classes";

    /// <summary>The part names accepted by <see cref="ParsePart"/>.</summary>
    public static IReadOnlyList<string> PartNames { get; } = ["decoder", "encoder", "generator"];

    /// <summary>The default file name of a part inside the run folder, e.g. "decoder.onnx".</summary>
    public static string DefaultFileName(ExportPart part) => part.ToString().ToLowerInvariant() + ".onnx";

    /// <summary>Parses "decoder", "encoder" or "generator"; anything else is a user error.</summary>
    public static ExportPart ParsePart(string text) => text?.ToLowerInvariant() switch
    {
        "decoder" => ExportPart.Decoder,
        "encoder" => ExportPart.Encoder,
        "generator" => ExportPart.Generator,
        _ => throw new UserErrorException(
            $"--part: expected {string.Join(", ", PartNames)}, got '{text}'"),
    };

    /// <summary>
    /// The parts a run's model has, the default first: decoder and encoder for vae, cvae and ae; the
    /// generator for the GANs.
    /// </summary>
    public static IReadOnlyList<ExportPart> PartsOf(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.IsGan ? [ExportPart.Generator] : [ExportPart.Decoder, ExportPart.Encoder];
    }

    /// <summary>
    /// Exports <paramref name="part"/> (null: the model's default part, the decoder of a VAE and the
    /// generator of a GAN) of the run in <paramref name="runDir"/> to <paramref name="outPath"/> (default
    /// RUN/PART.onnx).
    /// </summary>
    public static ExportResult Export(string runDir, ExportPart? part, string? outPath = null)
    {
        PathOptions.Required(runDir, "--run");
        if (part is { } p && !Enum.IsDefined(p))
            throw new ArgumentOutOfRangeException(nameof(part), part, null);
        if (outPath is not null && string.IsNullOrWhiteSpace(outPath))
            throw new UserErrorException("--out: expected a file name, got an empty one");
        return ExportCore(runDir, part, outPath);
    }

    /// <summary>The ONNX model of a part from a config and its named parameters.</summary>
    public static (ModelProto Model, OnnxSignature Signature) BuildModel(RunConfig config, ExportPart part,
        IReadOnlyList<NamedTensor> parameters, int epoch)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        CheckPart(config, part, "this run");
        var (builder, signature) = config.IsGan
            ? GanGraphs.Generator(ModelFactory.ToGanConfig(config), parameters)
            : config.Arch == ModelArch.Conv
                ? ConvGraphs.Build(ModelFactory.ToModelConfig(config), part, parameters)
                : MlpGraphs.Build(ModelFactory.ToModelConfig(config), part, parameters);
        string doc = $"VaeGpu {config.Model.Name()} {part.ToString().ToLowerInvariant()} trained on "
            + $"{config.Dataset} for {epoch} epochs. Inputs: {signature.InputsText}. "
            + $"Outputs: {signature.OutputsText}.";
        var metadata = new Dictionary<string, string>
        {
            [PartKey] = part.ToString().ToLowerInvariant(),
            [InputsKey] = signature.InputsText,
            [OutputsKey] = signature.OutputsText,
            [ConfigKey] = config.ToJson(),
            [EpochKey] = epoch.ToString(CultureInfo.InvariantCulture),
            [WidthKey] = config.ImageWidth.ToString(CultureInfo.InvariantCulture),
            [HeightKey] = config.ImageHeight.ToString(CultureInfo.InvariantCulture),
            [config.IsGan ? NoiseKey : LatentKey] =
                (config.IsGan ? config.Noise : config.Latent).ToString(CultureInfo.InvariantCulture),
            [ClassesKey] =
                (config.IsConditional ? config.Classes : 0).ToString(CultureInfo.InvariantCulture),
        };
        return (builder.Build(doc, metadata), signature);
    }

    private static ExportResult ExportCore(string runDir, ExportPart? asked, string? outPath)
    {
        CrashPoint.Hit(CrashPoint.Command, 0);
        var config = RunConfig.Load(Path.Combine(runDir, Checkpoint.ConfigFile));
        var part = asked ?? PartsOf(config)[0];
        CheckPart(config, part, runDir);
        outPath ??= Path.Combine(runDir, DefaultFileName(part));
        if (Directory.Exists(outPath))
            throw new UserErrorException($"--out {outPath}: is a folder; give a file name such as "
                + $"{Path.Combine(outPath, DefaultFileName(part))}");
        var (parameters, epoch) = LoadParameters(runDir, config);
        var (model, signature) = BuildModel(config, part, parameters, epoch);
        byte[] bytes = OnnxGraphBuilder.Serialize(model);
        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (folder is not null) Directory.CreateDirectory(folder);
            AtomicFile.WriteAllBytes(outPath, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"--out {outPath}: cannot write the ONNX file ({e.Message})");
        }
        return new ExportResult(outPath, bytes.Length, part, signature, epoch);
    }

    /// <summary>The run's parameters by name, read by the checkpoint code (names, shapes checked).</summary>
    private static (List<NamedTensor> Parameters, int Epoch) LoadParameters(string runDir, RunConfig config)
    {
        using var accelerator = ModelFactory.CreateAccelerator(AcceleratorKind.Cpu, 0, 1);
        if (config.IsGan)
        {
            using var gan = ModelFactory.CreateGan(accelerator, config, maxBatch: 1);
            int ganEpoch = Checkpoint.Load(runDir, gan, withOptimizer: false); // before the values are read
            return (Named(gan.Parameters), ganEpoch);
        }
        using var model = ModelFactory.CreateModel(accelerator, config, maxBatch: 1);
        int epoch = Checkpoint.Load(runDir, model, withOptimizer: false);
        return (Named(model.Parameters), epoch);

        static List<NamedTensor> Named(ParameterArena arena)
        {
            var values = new float[arena.Count];
            arena.ReadValues(values);
            return Checkpoint.Split(arena, values, "");
        }
    }

    private static void CheckPart(RunConfig config, ExportPart part, string where)
    {
        var parts = PartsOf(config);
        if (parts.Contains(part)) return;
        string has = (parts.Count == 1 ? "part " : "parts ") + string.Join(" and ",
            parts.Select(p => p.ToString().ToLowerInvariant()));
        throw new UserErrorException($"--part {part.ToString().ToLowerInvariant()}: {where} holds a "
            + $"{config.Model.Name()}, which has no {part.ToString().ToLowerInvariant()} ({has})");
    }
}
