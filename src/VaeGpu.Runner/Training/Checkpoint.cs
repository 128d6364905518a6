// Saving and restoring a run: model.safetensors (the parameters by name, PyTorch nn.Linear layout),
// optimizer.safetensors (Adam m/v or the other optimizers' state, in the same named layout, plus the
// step counter) and config.json. Each file is written to a temp name and renamed; both tensor files
// carry the epoch in their metadata. The optimizer state lands first as optimizer.next.safetensors,
// then model.safetensors (the commit point), then the next file replaces optimizer.safetensors: a
// crash at any instant leaves a model file with an optimizer state of the same epoch on disk.
using System.Globalization;
using VaeGpu.Layers;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>Writes and reads a run's checkpoint files.</summary>
public static partial class Checkpoint
{
    /// <summary>File names inside a run folder.</summary>
    public const string ModelFile = "model.safetensors", OptimizerFile = "optimizer.safetensors",
        ConfigFile = "config.json", MetricsFile = "metrics.csv";

    /// <summary>The optimizer state of a checkpoint whose model file may not have landed yet.</summary>
    public const string OptimizerNextFile = "optimizer.next.safetensors";

    /// <summary>True when the run folder holds a completed epoch's checkpoint.</summary>
    public static bool Exists(string runDir) => File.Exists(Path.Combine(runDir, ModelFile));

    /// <summary>Saves the model after <paramref name="epoch"/> completed epochs.</summary>
    public static void Save(string runDir, VaeModel model, RunConfig config, int epoch) =>
        SaveCore(runDir, model.Parameters, model.StepCount, config, epoch, null);

    /// <summary>Saves an arena and its step counter; <paramref name="extra"/> joins the model file's
    /// metadata (a GAN's architecture).</summary>
    private static void SaveCore(string runDir, ParameterArena arena, long stepCount, RunConfig config,
        int epoch, IReadOnlyDictionary<string, string>? extra)
    {
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
            ["optimizer"] = config.Optimizer.Name(),
            ["step_count"] = stepCount.ToString(CultureInfo.InvariantCulture),
        };
        var optimizerTensors =
            Split(arena, state1, "state1.").Concat(Split(arena, state2, "state2.")).ToList();
        string next = Path.Combine(runDir, OptimizerNextFile);
        SafeTensors.Write(next, optimizerTensors, optimizerMeta);
        CrashPoint.Hit(CrashPoint.Checkpoint, epoch);
        if (extra is not null) foreach (var (key, value) in extra) meta[key] = value;
        SafeTensors.Write(Path.Combine(runDir, ModelFile), Split(arena, values, ""), meta);
        CrashPoint.Hit(CrashPoint.Committed, epoch);
        File.Move(next, Path.Combine(runDir, OptimizerFile), overwrite: true);
        AtomicFile.WriteAllText(Path.Combine(runDir, ConfigFile), config.ToJson());
    }

    /// <summary>The completed epochs the run folder's checkpoint holds, or null without one.</summary>
    public static int? CompletedEpochs(string runDir)
    {
        string modelPath = Path.Combine(runDir, ModelFile);
        if (!File.Exists(modelPath)) return null;
        var (_, meta) = SafeTensors.Read(modelPath);
        return (int)ReadLong(meta, "epoch", modelPath);
    }

    /// <summary>
    /// Loads parameters (and, when <paramref name="withOptimizer"/>, optimizer state); returns the epoch.
    /// </summary>
    public static int Load(string runDir, VaeModel model, bool withOptimizer)
    {
        int epoch = LoadCore(runDir, model.Parameters, withOptimizer, out long steps);
        if (withOptimizer) model.Optimizer.StepCount = steps;
        return epoch;
    }

    /// <summary>Loads an arena (and its optimizer state); returns the epoch and the step counter.</summary>
    private static int LoadCore(string runDir, ParameterArena arena, bool withOptimizer, out long steps)
    {
        steps = 0;
        string modelPath = Path.Combine(runDir, ModelFile);
        if (!File.Exists(modelPath))
            throw new UserErrorException($"{modelPath} not found: no completed epoch to load");
        var (tensors, meta) = SafeTensors.Read(modelPath);
        arena.WriteValues(Join(arena, tensors, "", modelPath));
        int epoch = (int)ReadLong(meta, "epoch", modelPath);
        if (!withOptimizer) return epoch;

        var (optimizerPath, state, optimizerMeta) = OptimizerState(runDir, epoch);
        arena.WriteState(1, Join(arena, state, "state1.", optimizerPath));
        arena.WriteState(2, Join(arena, state, "state2.", optimizerPath));
        steps = ReadLong(optimizerMeta, "step_count", optimizerPath);
        return epoch;
    }

    /// <summary>The optimizer file of <paramref name="epoch"/>: optimizer.safetensors, or the next file
    /// when the process died between the model file's rename and the next file's.</summary>
    private static (string Path, List<NamedTensor> State, Dictionary<string, string> Meta) OptimizerState(
        string runDir, int epoch)
    {
        string optimizerPath = Path.Combine(runDir, OptimizerFile);
        foreach (string path in new[] { optimizerPath, Path.Combine(runDir, OptimizerNextFile) })
        {
            if (!File.Exists(path)) continue;
            var (state, meta) = SafeTensors.Read(path);
            if (ReadLong(meta, "epoch", path) == epoch) return (path, state, meta);
        }
        if (!File.Exists(optimizerPath))
            throw new UserErrorException($"{optimizerPath} not found: cannot resume");
        throw new UserErrorException($"{runDir}: model and optimizer files are from different epochs");
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
