// The sweep service: trains a grid or plan of runs one after another into one folder per run, evaluates
// each (a VAE's test loss and log-likelihood bound; digit-FID, digit-KID and, for conditional models,
// conditional accuracy for every model, GANs included) and rewrites compare.csv/html after every run.
// Running the same sweep again resumes: finished runs are kept, a run cut off mid-way continues from its
// last checkpoint, a diverged run stays recorded as diverged.
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>How a sweep runs: its folder, data, evaluation sizes, output and classifier folder.</summary>
public sealed record SweepSettings(string Folder, string? DataDir, int ImportanceSamples, int FidSamples,
    bool Quiet, string Title, string? Classifiers);

/// <summary>Trains, evaluates and compares the runs of a sweep.</summary>
public sealed partial class SweepRunner
{
    private const string DivergedFile = "diverged.txt";
    private readonly IRunnerConsole _console;
    private readonly SweepSettings _sweep;
    private readonly Dictionary<string, (Dataset, string)> _datasets = [];
    private readonly Dictionary<string, FidReference> _references = [];

    private SweepRunner(IRunnerConsole console, SweepSettings settings) =>
        (_console, _sweep) = (console, settings);


    /// <summary>Reads a plan file; an unreadable one is a user error.</summary>
    public static string ReadPlan(string path)
    {
        PathOptions.Required(path, "--plan");
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"--plan {path}: cannot read the plan file ({e.Message})");
        }
    }

    /// <summary>Trains, evaluates and compares every run of <paramref name="runs"/>; returns the exit
    /// code.</summary>
    public static int Run(IRunnerConsole console, List<SweepRun> runs, SweepSettings sweep)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(sweep);
        PathOptions.Required(sweep.Folder, "--out");
        PathOptions.Optional(sweep.DataDir, "--data-dir");
        PathOptions.Optional(sweep.Classifiers, "--classifiers");
        return new SweepRunner(console, sweep).RunCore(runs);
    }

    private int RunCore(List<SweepRun> runs)
    {
        foreach (var run in runs) CheckRunFolder(Path.Combine(_sweep.Folder, run.Name), run);
        OutputFolder.EnsureWritable(_sweep.Folder, "sweep");
        var lines = runs.Select(r =>
            $"{r.Name}: " + string.Join(" ", r.Settings.Select(s => $"{s.Key}={s.Value}")));
        AtomicFile.WriteAllText(Path.Combine(_sweep.Folder, "sweep.txt"),
            $"{_sweep.Title}\n{string.Join("\n", lines)}\n");
        var first = runs[0].Config;
        using var accelerator = ModelFactory.CreateAccelerator(first);
        var progress = _console.TrainingProgress(_sweep.Quiet);
        try
        {
            return SweepLoop(runs, accelerator, progress);
        }
        catch (OperationCanceledException)
        {
            // Only the classifier's training throws this; a run's training returns Interrupted instead.
            _console.Err.WriteLine("interrupted while training the digit classifier (nothing saved); " +
                "run the same sweep command again to continue");
            return ExitCodes.Interrupted;
        }
        finally
        {
            foreach (var reference in _references.Values) reference.Classifier.Dispose();
            (progress as IDisposable)?.Dispose();
        }
    }

    private int SweepLoop(List<SweepRun> runs, Accelerator accelerator, ITrainingProgress progress)
    {
        var rows = new List<SweepRow>();
        var keys = runs.SelectMany(r => r.Settings.Select(s => s.Key)).Distinct().ToList();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            string dir = Path.Combine(_sweep.Folder, run.Name);
            if (!_datasets.TryGetValue(run.Config.Dataset, out var loaded))
                _datasets[run.Config.Dataset] = loaded = DatasetSource.Load(_console, run.Config.Dataset,
                    _sweep.DataDir, null, _sweep.Quiet);
            var (dataset, dataFolder) = loaded;
            run = run with { Config = run.Config with { DataFolder = dataFolder } };
            TrainRunner.CheckDataset(run.Config, dataset);
            var state = Inspect(dir, run.Config);
            progress.Info($"[{i + 1}/{runs.Count}] {run.Name}: {StateText(state)}");
            if (state is RunState.Fresh or RunState.Partial)
            {
                Directory.CreateDirectory(dir);
                File.Delete(Path.Combine(dir, Evaluator.FileName));
                var result = Train(run.Config, dataset, accelerator, dir, progress,
                    resume: state == RunState.Partial);
                if (result.Outcome == TrainOutcome.Interrupted)
                {
                    rows.Add(Row(run, dir, "interrupted", null, keys));
                    CompareReport.Write(_sweep.Folder, _sweep.Title, rows);
                    _console.Err.WriteLine($"{result.Message}; run the same sweep command again to continue");
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
                eval = Evaluator.TryLoad(dir) is { } saved && Answers(saved, run.Config)
                    ? saved
                    : EvaluateRun(accelerator, run.Config, dir, dataset);
            rows.Add(Row(run, dir, state == RunState.Diverged ? "diverged" : "done", eval, keys));
            CompareReport.Write(_sweep.Folder, _sweep.Title, rows);
            if (eval is not null) progress.Info($"{run.Name}: {EvalRunner.ResultLine(eval)}");
            if (_console.Cancel.IsCancellationRequested && i + 1 < runs.Count)
            {
                _console.Err.WriteLine($"interrupted after run {run.Name}; " +
                    "run the same sweep command again to continue");
                return ExitCodes.Interrupted;
            }
        }
        string noun = runs.Count == 1 ? "run" : "runs";
        _console.Out.WriteLine($"sweep of {runs.Count} {noun}: " +
            $"{Path.Combine(_sweep.Folder, "compare.csv")}, {Path.Combine(_sweep.Folder, "compare.html")}");
        return ExitCodes.Ok;
    }

    // Trains one run, a VAE's or a GAN's, from scratch or from its last checkpoint; an internal error
    // leaves its report in that run's crash.txt, as a single run's does.
    private (TrainOutcome Outcome, string Message) Train(RunConfig config, Dataset dataset, Accelerator acc,
        string dir, ITrainingProgress progress, bool resume) => CrashReport.Guard(_console, dir, () =>
    {
        if (config.IsGan)
        {
            var gan = new GanTrainer(config, dataset, acc, dir, progress).Run(resume, _console.Cancel);
            return (gan.Outcome, gan.Message);
        }
        var vae = new Trainer(config, dataset, acc, dir, progress).Run(resume, _console.Cancel);
        return (vae.Outcome, vae.Message);
    });

    /// <summary>True when a saved eval.json holds what this sweep asks for (its K, and a digit-FID when
    /// one is wanted); an eval from other settings is redone rather than reported as this one.</summary>
    private bool Answers(EvalResult saved, RunConfig config) =>
        saved.ImportanceSamples == (Evaluator.HasBound(config) ? _sweep.ImportanceSamples : 0)
        && (_sweep.FidSamples == 0 || saved.DigitFid is not null);

    /// <summary>Evaluates a trained run (a VAE's test loss and bound, then every model's digit metrics)
    /// and saves its eval.json; an internal error leaves its report in that run's crash.txt.</summary>
    private EvalResult EvaluateRun(Accelerator acc, RunConfig config, string dir, Dataset dataset) =>
        CrashReport.Guard(_console, dir, () => EvaluateRunCore(acc, config, dir, dataset));

    private EvalResult EvaluateRunCore(Accelerator acc, RunConfig config, string dir, Dataset dataset)
    {
        CrashPoint.Hit(CrashPoint.Command, 0);
        // As `eval`: the bar follows the importance-sampled bound, which only a VAE has (K means nothing
        // to an autoencoder or a GAN, whose test pass is quick).
        bool silent = _sweep.Quiet || !Evaluator.HasBound(config);
        var result = _console.WithProgress(silent, $"eval K={_sweep.ImportanceSamples}", progress =>
            Evaluator.Run(acc, config, dir, dataset, _sweep.ImportanceSamples, progress));
        if (_sweep.FidSamples > 0)
        {
            var reference = SweepReference(acc, dataset);
            result = EvalRunner.AddDigitMetrics(_console, result, acc, config, dir, reference,
                _sweep.FidSamples, silent: true);
        }
        Evaluator.Save(dir, result);
        return result;
    }

    /// <summary>
    /// What every run's digit-FID on the dataset compares against, made once per sweep: the dataset's
    /// classifier (trained once and saved where `classifier` would save it when there is none yet: a
    /// sweep is a long job), the test set's feature statistics and the floor.
    /// </summary>
    private FidReference SweepReference(Accelerator acc, Dataset dataset)
    {
        if (_references.TryGetValue(dataset.Name, out var cached)) return cached;
        bool quiet = _sweep.Quiet;
        string folder = _sweep.Classifiers is null ? DigitClassifier.DefaultFolder(dataset.Name)
            : Path.Combine(_sweep.Classifiers, dataset.Name);
        var classifier = DigitClassifier.TryLoad(acc, folder);
        if (classifier is null)
        {
            if (!quiet)
                _console.Out.WriteLine($"no {dataset.Name} digit classifier in {folder}: training one for " +
                    "the " +
                    "digit-FID (once; `--fid-samples 0` skips it)");
            classifier = DigitClassifier.Train(acc, dataset, new ClassifierSettings(),
                ClassifierRunner.Report(_console, quiet, "classifier epoch"), _console.Cancel);
            classifier.Save(folder);
        }
        try
        {
            return _references[dataset.Name] = DigitMetrics.Reference(classifier, dataset);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }
}
