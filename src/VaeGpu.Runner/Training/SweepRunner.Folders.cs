// Where each run folder of a sweep stands (fresh, partial, trained, diverged), the check that a folder
// was made with the settings the sweep gives it now, and the compare row of a run.
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

public sealed partial class SweepRunner
{
    private enum RunState { Fresh, Partial, Trained, Diverged }

    private static string StateText(RunState state) => state switch
    {
        RunState.Fresh => "training",
        RunState.Partial => "resuming from its last checkpoint",
        RunState.Trained => "already trained",
        _ => "diverged earlier (kept as is; delete its folder to retry)",
    };

    /// <summary>Where a run folder stands; training settings that changed since it was made are an
    /// error.</summary>
    private static RunState Inspect(string dir, RunConfig planned)
    {
        if (File.Exists(Path.Combine(dir, DivergedFile))) return RunState.Diverged;
        string metricsPath = Path.Combine(dir, Checkpoint.MetricsFile);
        if (!File.Exists(Path.Combine(dir, Checkpoint.ConfigFile))
            || !File.Exists(Path.Combine(dir, Checkpoint.ModelFile))) return RunState.Fresh;
        int done = !File.Exists(metricsPath) ? 0
            : planned.IsGan ? GanMetricsCsv.Read(metricsPath).Count : MetricsCsv.Read(metricsPath).Count;
        bool finished = done >= planned.Epochs && File.Exists(Path.Combine(dir, "report.html"));
        return finished ? RunState.Trained : RunState.Partial;
    }

    private static void CheckRunFolder(string dir, SweepRun run)
    {
        string path = Path.Combine(dir, Checkpoint.ConfigFile);
        if (!File.Exists(path)) return;
        var stored = RunConfig.Load(path);
        static string Key(RunConfig c) =>
            (c with { Accelerator = default, Device = 0, Threads = 0, Epochs = 0, DataFolder = null })
                .ToJson();
        if (Key(stored) != Key(run.Config))
            throw new UserErrorException($"{path}: run '{run.Name}' was made with other settings than " +
                "this sweep gives it; use another --out, or delete that run folder");
        if (stored.Epochs > run.Config.Epochs && File.Exists(Path.Combine(dir, Checkpoint.ModelFile)))
            throw new UserErrorException($"{path}: run '{run.Name}' already has {stored.Epochs} epochs " +
                "planned, " +
                $"this sweep asks for {run.Config.Epochs}; use another --out");
    }

    /// <summary>A run's compare.csv row; a sweep key its plan line left out shows the value the run used
    /// (issue 19 item 11: compare.csv left `model` empty for a plan line without model=).</summary>
    private static SweepRow Row(SweepRun run, string dir, string status, EvalResult? eval,
        IReadOnlyList<string> keys)
    {
        // A key the run's model does not have (latent for a GAN in a plan that also has VAEs) stays empty.
        var settings = keys.Select(key =>
            run.Settings.FirstOrDefault(s => s.Key == key) is { Key: not null } given ? given
            : SettingsTable.Find(key)! is var setting && SettingsTable.ScopeError(setting, run.Config) is null
                ? (key, setting.Format(run.Config)) : (key, "")).ToList();
        string metricsPath = Path.Combine(dir, Checkpoint.MetricsFile);
        bool gan = run.Config.IsGan, exists = File.Exists(metricsPath);
        var shapes = gan ? VaeGpu.Layers.GanModel.ParameterShapes(ModelFactory.ToGanConfig(run.Config))
            : VaeGpu.Layers.VaeModel.ParameterShapes(ModelFactory.ToModelConfig(run.Config));
        long parameters = shapes.Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
        var ganMetrics = gan && exists ? GanMetricsCsv.Read(metricsPath) : [];
        string health = ganMetrics.Count == 0 ? "" : GanHealth.Summary(
            GanTrainer.ReadWarnings(dir).Where(w => GanHealth.EpochOf(w) == ganMetrics[^1].Epoch));
        return new SweepRow(run.Name, settings, status, !gan && exists ? MetricsCsv.Read(metricsPath) : [],
            parameters, eval)
        {
            IsGan = gan,
            GanMetrics = ganMetrics,
            GanHealth = health,
        };
    }
}
