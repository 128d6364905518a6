// Saving and restoring a run: model.safetensors (the parameters by name, PyTorch nn.Linear layout),
// optimizer.safetensors (Adam m/v or the other optimizers' state, in the same named layout, plus the
// step counter) and config.json. Each file is written to a temp name and renamed; both tensor files
// carry the epoch in their metadata so a mismatched pair (a crash between the two renames) is detected.
using System.Globalization;
using VaeGpu.Layers;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>Writes and reads a run's checkpoint files.</summary>
public static class Checkpoint
{
    /// <summary>File names inside a run folder.</summary>
    public const string ModelFile = "model.safetensors", OptimizerFile = "optimizer.safetensors",
        ConfigFile = "config.json", MetricsFile = "metrics.csv";

    /// <summary>Saves the model after <paramref name="epoch"/> completed epochs.</summary>
    public static void Save(string runDir, VaeModel model, RunConfig config, int epoch)
    {
        var arena = model.Parameters;
        var values = new float[arena.Count];
        arena.ReadValues(values);
        var meta = new Dictionary<string, string>
        {
            ["format"] = "pt", ["producer"] = "VaeGpu",
                ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        };
        var state1 = new float[arena.Count];
        var state2 = new float[arena.Count];
        arena.ReadState(1, state1);
        arena.ReadState(2, state2);
        var optimizerMeta = new Dictionary<string, string>(meta)
        {
            ["optimizer"] = config.Optimizer,
            ["step_count"] = model.StepCount.ToString(CultureInfo.InvariantCulture),
        };
        var optimizerTensors =
            Split(arena, state1, "state1.").Concat(Split(arena, state2, "state2.")).ToList();
        SafeTensors.Write(Path.Combine(runDir, OptimizerFile), optimizerTensors, optimizerMeta);
        SafeTensors.Write(Path.Combine(runDir, ModelFile), Split(arena, values, ""), meta);
        AtomicFile.WriteAllText(Path.Combine(runDir, ConfigFile), config.ToJson());
    }

    /// <summary>
    /// Loads parameters (and, when <paramref name="withOptimizer"/>, optimizer state); returns the epoch.
    /// </summary>
    public static int Load(string runDir, VaeModel model, bool withOptimizer)
    {
        var arena = model.Parameters;
        string modelPath = Path.Combine(runDir, ModelFile);
        if (!File.Exists(modelPath))
            throw new UserErrorException($"{modelPath} not found: no completed epoch to load");
        var (tensors, meta) = SafeTensors.Read(modelPath);
        arena.WriteValues(Join(arena, tensors, "", modelPath));
        int epoch = (int)ReadLong(meta, "epoch", modelPath);
        if (!withOptimizer) return epoch;

        string optimizerPath = Path.Combine(runDir, OptimizerFile);
        if (!File.Exists(optimizerPath))
            throw new UserErrorException($"{optimizerPath} not found: cannot resume");
        var (state, optimizerMeta) = SafeTensors.Read(optimizerPath);
        if (ReadLong(optimizerMeta, "epoch", optimizerPath) != epoch)
            throw new UserErrorException($"{runDir}: model and optimizer files are from different epochs");
        arena.WriteState(1, Join(arena, state, "state1.", optimizerPath));
        arena.WriteState(2, Join(arena, state, "state2.", optimizerPath));
        model.Optimizer.StepCount = ReadLong(optimizerMeta, "step_count", optimizerPath);
        return epoch;
    }

    /// <summary>Cuts an arena-layout vector into named tensors (name prefix + parameter name).</summary>
    public static List<NamedTensor> Split(ParameterArena arena, float[] flat, string prefix) =>
        arena.Table.Select(info => new NamedTensor(prefix + info.Name, info.Shape,
            flat.AsSpan(info.Offset, info.Length).ToArray())).ToList();

    private static float[] Join(ParameterArena arena, List<NamedTensor> tensors, string prefix, string path)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var flat = new float[arena.Count];
        foreach (var info in arena.Table)
        {
            if (!byName.TryGetValue(prefix + info.Name, out var tensor))
                throw new UserErrorException(
                    $"{path}: tensor '{prefix + info.Name}' is missing (does config.json match?)");
            if (!tensor.Shape.SequenceEqual(info.Shape))
                throw new UserErrorException(
                    $"{path}: tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}]"
                    + $", the model expects {info.ShapeText}");
            tensor.Data.CopyTo(flat, info.Offset);
        }
        return flat;
    }

    private static long ReadLong(Dictionary<string, string> meta, string key, string path) =>
        meta.TryGetValue(key, out var text)
            && long.TryParse(text, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new UserErrorException($"{path}: metadata '{key}' missing; not written by VaeGpu?");
}
