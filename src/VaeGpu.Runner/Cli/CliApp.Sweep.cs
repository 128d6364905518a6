// `sweep`: trains a grid or plan of runs one after another into one folder per run under --out, evaluates
// each (test loss, log-likelihood bound, digit-FID, CVAE accuracy) and rewrites compare.csv/html after
// every run. Running the same command again resumes: finished runs are kept, a run cut off mid-way
// continues from its last checkpoint, a diverged run stays recorded as diverged.
using System.CommandLine;
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private const string DivergedFile = "diverged.txt";

    private Command SweepCommand()
    {
        var train = new TrainOptions();
        var grid = new Option<string?>("--grid")
        { Description = "Grid of settings, every combination: \"latent=2,5,10;beta=0.5,1,4\"" };
        var plan = new Option<string?>("--plan")
        { Description = "Plan file: one run per line, \"latent=2 beta=1\"" };
        var output = new Option<string>("--out")
        { Description = "Sweep folder (one sub-folder per run); rerun to resume", Required = true };
        var samples = new Option<int>("--importance-samples")
        { Description = "K of each run's log-likelihood bound", DefaultValueFactory = _ => 100 };
        var fidSamples = FidSamplesOption();
        var classifierRoot = new Option<string?>("--classifiers")
        {
            Description = "Folder of digit classifiers, one sub-folder per dataset (default " +
                $"${DigitClassifier.FolderVariable}, else ~/.cache/vaegpu/classifiers)",
        };
        var command = new Command("sweep",
            "Train a grid of runs and compare them (compare.csv, compare.html)")
            { grid, plan, output, samples, fidSamples, classifierRoot };
        foreach (var option in train.All)
            if (option != train.Out && option != train.Resume) command.Add(option);
        command.SetAction(parse =>
        {
            string? gridText = parse.GetValue(grid), planPath = parse.GetValue(plan);
            if ((gridText is null) == (planPath is null))
                throw new UserErrorException("sweep: give exactly one of --grid and --plan");
            var settings = gridText is not null ? SweepPlan.ParseGrid(gridText)
                : SweepPlan.ParsePlan(planPath!, ReadPlan(planPath!));
            var runs = SweepPlan.Build(train.ToConfig(parse), settings);
            int k = parse.GetValue(samples), fid = CheckFidSamples(parse.GetValue(fidSamples));
            Evaluator.CheckImportanceSamples(k);
            var sweep = new SweepSettings(parse.GetValue(output)!, parse.GetValue(train.DataDir), k, fid,
                parse.GetValue(train.Quiet), gridText ?? Path.GetFileName(planPath!),
                parse.GetValue(classifierRoot));
            return RunSweep(runs, sweep);
        });
        return command;
    }

    private sealed record SweepSettings(string Folder, string? DataDir, int ImportanceSamples, int FidSamples,
        bool Quiet, string Title, string? Classifiers);

    private static string ReadPlan(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"--plan {path}: cannot read the plan file ({e.Message})");
        }
    }

    private int RunSweep(List<SweepRun> runs, SweepSettings sweep)
    {
        foreach (var run in runs) CheckRunFolder(Path.Combine(sweep.Folder, run.Name), run);
        OutputFolder.EnsureWritable(sweep.Folder, "sweep");
        var lines = runs.Select(r =>
            $"{r.Name}: " + string.Join(" ", r.Settings.Select(s => $"{s.Key}={s.Value}")));
        AtomicFile.WriteAllText(Path.Combine(sweep.Folder, "sweep.txt"),
            $"{sweep.Title}\n{string.Join("\n", lines)}\n");
        var first = runs[0].Config;
        using var accelerator = ModelFactory.CreateAccelerator(first.Accelerator, first.Device,
            first.Threads);
        var datasets = new Dictionary<string, Dataset>();
        var rows = new List<SweepRow>();
        var references = new Dictionary<string, FidReference>();
        using var progress = new ConsoleProgress(_out, sweep.Quiet ? ProgressStyle.Quiet : _style);
        try
        {
            return SweepLoop(runs, sweep, accelerator, progress, datasets, references, rows);
        }
        catch (OperationCanceledException)
        {
            // Only the classifier's training throws this; a run's training returns Interrupted instead.
            _err.WriteLine("interrupted while training the digit classifier (nothing saved); " +
                "run the same sweep command again to continue");
            return ExitCodes.Interrupted;
        }
        finally
        {
            foreach (var reference in references.Values) reference.Classifier.Dispose();
        }
    }

    private int SweepLoop(List<SweepRun> runs, SweepSettings sweep, Accelerator accelerator,
        ConsoleProgress progress, Dictionary<string, Dataset> datasets,
        Dictionary<string, FidReference> references, List<SweepRow> rows)
    {
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            string dir = Path.Combine(sweep.Folder, run.Name);
            if (!datasets.TryGetValue(run.Config.Dataset, out var dataset))
                datasets[run.Config.Dataset] = dataset = LoadDataset(run.Config.Dataset, sweep.DataDir,
                    sweep.Quiet);
            CheckDataset(run.Config, dataset);
            var state = Inspect(dir, run.Config);
            progress.Info($"[{i + 1}/{runs.Count}] {run.Name}: {StateText(state)}");
            if (state is RunState.Fresh or RunState.Partial)
            {
                Directory.CreateDirectory(dir);
                File.Delete(Path.Combine(dir, Evaluator.FileName));
                var result = new Trainer(run.Config, dataset, accelerator, dir, progress)
                    .Run(resume: state == RunState.Partial, _cancel);
                if (result.Outcome == TrainOutcome.Interrupted)
                {
                    rows.Add(Row(run, dir, "interrupted", null));
                    CompareReport.Write(sweep.Folder, sweep.Title, rows);
                    _err.WriteLine($"{result.Message}; run the same sweep command again to continue");
                    return ExitCodes.Interrupted;
                }
                if (result.Outcome == TrainOutcome.Diverged)
                {
                    AtomicFile.WriteAllText(Path.Combine(dir, DivergedFile), result.Message + "\n");
                    progress.Info($"{run.Name}: {result.Message}");
                    state = RunState.Diverged;
                }
            }
            EvalResult? eval = null;
            if (state != RunState.Diverged)
                eval = Evaluator.TryLoad(dir) is { } saved && Answers(saved, run.Config, sweep)
                    ? saved
                    : EvaluateRun(accelerator, run.Config, dir, dataset, sweep, references);
            rows.Add(Row(run, dir, state == RunState.Diverged ? "diverged" : "done", eval));
            CompareReport.Write(sweep.Folder, sweep.Title, rows);
            if (eval is not null) progress.Info($"{run.Name}: {ResultLine(eval)}");
            if (_cancel.IsCancellationRequested && i + 1 < runs.Count)
            {
                _err.WriteLine($"interrupted after run {run.Name}; " +
                    "run the same sweep command again to continue");
                return ExitCodes.Interrupted;
            }
        }
        _out.WriteLine($"sweep of {runs.Count} runs: {Path.Combine(sweep.Folder, "compare.csv")}, " +
            $"{Path.Combine(sweep.Folder, "compare.html")}");
        return ExitCodes.Ok;
    }

    /// <summary>True when a saved eval.json holds what this sweep asks for (its K, and a digit-FID when
    /// one is wanted); an eval from other settings is redone rather than reported as this one.</summary>
    private static bool Answers(EvalResult saved, RunConfig config, SweepSettings sweep) =>
        saved.ImportanceSamples == (Evaluator.HasBound(config) ? sweep.ImportanceSamples : 0)
        && (sweep.FidSamples == 0 || saved.DigitFid is not null);

    /// <summary>Evaluates a trained run (bound, then digit metrics) and saves its eval.json.</summary>
    private EvalResult EvaluateRun(Accelerator acc, RunConfig config, string dir, Dataset dataset,
        SweepSettings sweep, Dictionary<string, FidReference> references)
    {
        var result = WithEvalProgress(sweep.Quiet, $"eval K={sweep.ImportanceSamples}",
            progress => Evaluator.Run(acc, config, dir, dataset, sweep.ImportanceSamples, progress));
        if (sweep.FidSamples > 0)
        {
            var reference = SweepReference(acc, dataset, sweep, references);
            result = AddDigitMetrics(result, acc, config, dir, reference, sweep.FidSamples, silent: true);
        }
        Evaluator.Save(dir, result);
        return result;
    }

    /// <summary>
    /// What every run's digit-FID on the dataset compares against, made once per sweep: the dataset's
    /// classifier (trained once and saved where `classifier` would save it when there is none yet: a
    /// sweep is a long job), the test set's feature statistics and the floor.
    /// </summary>
    private FidReference SweepReference(Accelerator acc, Dataset dataset, SweepSettings sweep,
        Dictionary<string, FidReference> references)
    {
        if (references.TryGetValue(dataset.Name, out var cached)) return cached;
        bool quiet = sweep.Quiet;
        string folder = sweep.Classifiers is null ? DigitClassifier.DefaultFolder(dataset.Name)
            : Path.Combine(sweep.Classifiers, dataset.Name);
        var classifier = DigitClassifier.TryLoad(acc, folder);
        if (classifier is null)
        {
            if (!quiet)
                _out.WriteLine($"no {dataset.Name} digit classifier in {folder}: training one for the " +
                    "digit-FID (once; `--fid-samples 0` skips it)");
            classifier = DigitClassifier.Train(acc, dataset, new ClassifierSettings(),
                new SyncProgress<ClassifierProgress>(p =>
                {
                    if (!quiet) _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"classifier epoch {p.Epoch}/{p.Epochs} test_accuracy={p.TestAccuracy:F4}"));
                }), _cancel);
            classifier.Save(folder);
        }
        try
        {
            return references[dataset.Name] = DigitMetrics.Reference(classifier, dataset);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

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
        int done = File.Exists(metricsPath) ? MetricsCsv.Read(metricsPath).Count : 0;
        bool finished = done >= planned.Epochs && File.Exists(Path.Combine(dir, "report.html"));
        return finished ? RunState.Trained : RunState.Partial;
    }

    private static void CheckRunFolder(string dir, SweepRun run)
    {
        string path = Path.Combine(dir, Checkpoint.ConfigFile);
        if (!File.Exists(path)) return;
        var stored = RunConfig.Load(path);
        static string Key(RunConfig c) =>
            (c with { Accelerator = "", Device = 0, Threads = 0, Epochs = 0 }).ToJson();
        if (Key(stored) != Key(run.Config))
            throw new UserErrorException($"{path}: run '{run.Name}' was made with other settings than " +
                "this sweep gives it; use another --out, or delete that run folder");
        if (stored.Epochs > run.Config.Epochs && File.Exists(Path.Combine(dir, Checkpoint.ModelFile)))
            throw new UserErrorException($"{path}: run '{run.Name}' already has {stored.Epochs} epochs " +
                "planned, " +
                $"this sweep asks for {run.Config.Epochs}; use another --out");
    }

    private static SweepRow Row(SweepRun run, string dir, string status, EvalResult? eval)
    {
        string metricsPath = Path.Combine(dir, Checkpoint.MetricsFile);
        var metrics = File.Exists(metricsPath) ? MetricsCsv.Read(metricsPath) : [];
        long parameters = VaeGpu.Layers.VaeModel.ParameterShapes(ModelFactory.ToModelConfig(run.Config))
            .Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b));
        return new SweepRow(run.Name, run.Settings, status, metrics, parameters, eval?.ImportanceSamples ?? 0,
            eval?.NllBound, eval?.DigitFid, eval?.FidFloor, eval?.ConditionalAccuracy);
    }
}
