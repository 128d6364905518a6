// The classifier's files: classifier.safetensors (weights by name, nn.Linear layout) and classifier.json
// (dataset, sizes, epochs, test accuracy, training time). Each is written atomically, the weights
// first; both carry the same "trained" stamp, so a pair from two different trainings (a crash between
// the two renames) is reported instead of silently mixed.
using System.Text.Json;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Evaluation;

public sealed partial class DigitClassifier
{
    /// <summary>File names inside a classifier folder.</summary>
    public const string WeightsFile = "classifier.safetensors", InfoFile = "classifier.json";

    /// <summary>The environment variable that overrides where classifiers are kept.</summary>
    public const string FolderVariable = "VAEGPU_CLASSIFIERS";

    /// <summary>$VAEGPU_CLASSIFIERS/&lt;dataset&gt; when set, else
    /// ~/.cache/vaegpu/classifiers/&lt;dataset&gt;.</summary>
    public static string DefaultFolder(string dataset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        string? root = Environment.GetEnvironmentVariable(FolderVariable);
        root = string.IsNullOrWhiteSpace(root)
            ? Path.Combine(Path.GetDirectoryName(DataDirectory.DefaultCache())!, "classifiers")
            : Path.GetFullPath(root);
        return Path.Combine(root, dataset);
    }

    /// <summary>Writes classifier.safetensors and then classifier.json into <paramref
    /// name="folder"/>.</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{folder}: cannot create the classifier folder ({e.Message})");
        }
        var values = new float[Parameters.Count];
        Parameters.ReadValues(values);
        var meta = new Dictionary<string, string>
        {
            ["format"] = "pt", ["producer"] = "VaeGpu", ["dataset"] = Dataset, ["trained"] = Info.Trained,
        };
        SafeTensors.Write(Path.Combine(folder, WeightsFile), Checkpoint.Split(Parameters, values, ""), meta);
        AtomicFile.WriteAllText(Path.Combine(folder, InfoFile),
            JsonSerializer.Serialize(Info, ClassifierInfo.Json) + "\n");
    }

    /// <summary>
    /// Loads the classifier in <paramref name="folder"/>; null when either file is absent, a
    /// <see cref="UserErrorException"/> naming the file when one is corrupt or they do not match.
    /// </summary>
    public static DigitClassifier? TryLoad(Accelerator accelerator, string folder)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        string infoPath = Path.Combine(folder, InfoFile), weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(infoPath) || !File.Exists(weightsPath)) return null;
        var info = ReadInfo(infoPath);
        List<NamedTensor> tensors;
        Dictionary<string, string> meta;
        try { (tensors, meta) = SafeTensors.Read(weightsPath); }
        catch (SafeTensorsFormatException e)
        {
            throw new UserErrorException($"{e.Message} (delete it and retrain)");
        }
        if (!meta.TryGetValue("trained", out var stamp) || stamp != info.Trained)
            throw new UserErrorException($"{weightsPath}: not from the training described by {infoPath} " +
                "(delete both and retrain)");
        var classifier = new DigitClassifier(accelerator, info);
        try
        {
            var flat = new float[classifier.Parameters.Count];
            var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var entry in classifier.Parameters.Table)
            {
                if (!byName.TryGetValue(entry.Name, out var tensor)
                    || !tensor.Shape.SequenceEqual(entry.Shape))
                    throw new UserErrorException($"{weightsPath}: tensor '{entry.Name}' is missing or not " +
                        $"{entry.ShapeText} as {infoPath} says");
                tensor.Data.CopyTo(flat, entry.Offset);
            }
            classifier.Parameters.WriteValues(flat);
            return classifier;
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    private static ClassifierInfo ReadInfo(string path)
    {
        ClassifierInfo? info;
        try { info = JsonSerializer.Deserialize<ClassifierInfo>(File.ReadAllText(path),
            ClassifierInfo.Json); }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path}: not a classifier description ({e.Message})");
        }
        if (info is null || string.IsNullOrEmpty(info.Dataset) || info.Hidden is not { Length: > 0 }
            || info.InputDim <= 0 || info.Width * info.Height != info.InputDim || info.Classes < 2
            || info.Hidden.Any(h => h <= 0) || string.IsNullOrEmpty(info.Trained))
            throw new UserErrorException($"{path}: incomplete or inconsistent classifier description " +
                "(delete it and retrain)");
        return info;
    }
}
