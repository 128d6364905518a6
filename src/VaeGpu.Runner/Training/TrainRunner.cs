// The train service: opens the accelerator (a missing backend is reported before any data is fetched),
// finds the data (the folder a resumed run recorded, unless --data-dir overrides it), prepares the run
// folder and runs the Trainer; returns the process exit code and prints the final line.
using System.Globalization;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>What to train: the run's settings, its folder, and where the data is.</summary>
public sealed record TrainRequest(RunConfig Config, string RunDir, bool Resume, string? DataDir, bool Quiet);

/// <summary>Trains one run (new or resumed) and reports it.</summary>
public static class TrainRunner
{
    /// <summary>Trains <paramref name="request"/>; returns the exit code.</summary>
    public static int Run(IRunnerConsole console, TrainRequest request)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(request);
        var config = request.Config;
        config.Validate();
        using var accelerator = ModelFactory.CreateAccelerator(config);
        var (dataset, folder) = DatasetSource.Load(console, config.Dataset, request.DataDir,
            request.Resume ? config.DataFolder : null, request.Quiet);
        config = config with { DataFolder = folder };
        CheckDataset(config, dataset);
        PrepareRunFolder(request.RunDir, request.Resume);
        // config.json at once: a run killed from here on is resumable (the Trainer writes it again).
        if (!request.Resume) AtomicFile.WriteAllText(Path.Combine(request.RunDir, Checkpoint.ConfigFile),
            config.ToJson());
        var progress = console.TrainingProgress(request.Quiet);
        try
        {
            progress.Info($"run folder {Path.GetFullPath(request.RunDir)}");
            int trainImages = Math.Min(config.Limit ?? dataset.Train.Count, dataset.Train.Count);
            progress.Info($"{config.Model.Name()} on {config.Dataset} ({trainImages} training images), " +
                $"{accelerator.Name}");
            if (config.IsGan) return RunGan(console, request, config, dataset, accelerator, progress);
            var result = new Trainer(config, dataset, accelerator, request.RunDir, progress)
                .Run(request.Resume, console.Cancel);
            switch (result.Outcome)
            {
                case TrainOutcome.Interrupted:
                    console.Err.WriteLine(result.Message);
                    return ExitCodes.Interrupted;
                case TrainOutcome.Diverged:
                    console.Err.WriteLine($"error: {result.Message}");
                    return ExitCodes.Diverged;
            }
            var last = result.Metrics.Count > 0 ? result.Metrics[^1] : null;
            console.Out.WriteLine(last is null ? $"no epoch to train; run={request.RunDir}"
                : string.Create(CultureInfo.InvariantCulture, $"epochs={last.Epoch} " +
                    $"train_loss={last.TrainLoss:F4} test_loss={last.TestLoss:F4} run={request.RunDir}"));
            return ExitCodes.Ok;
        }
        finally { (progress as IDisposable)?.Dispose(); }
    }

    private static int RunGan(IRunnerConsole console, TrainRequest request, RunConfig config,
        Dataset dataset, VaeGpu.Kernels.Accelerator accelerator, ITrainingProgress progress)
    {
        var result = new GanTrainer(config, dataset, accelerator, request.RunDir, progress)
            .Run(request.Resume, console.Cancel);
        switch (result.Outcome)
        {
            case TrainOutcome.Interrupted:
                console.Err.WriteLine(result.Message);
                return ExitCodes.Interrupted;
            case TrainOutcome.Diverged:
                console.Err.WriteLine($"error: {result.Message}");
                return ExitCodes.Diverged;
        }
        var last = result.Metrics.Count > 0 ? result.Metrics[^1] : null;
        string warned = result.Warnings.Count > 0
            ? $" warnings={result.Warnings.Count} (see report.html)" : "";
        console.Out.WriteLine(last is null ? $"no epoch to train; run={request.RunDir}"
            : string.Create(CultureInfo.InvariantCulture, $"epochs={last.Epoch} d_loss={last.DLoss:F4} " +
                $"g_loss={last.GLoss:F4} d_real={last.DReal:F3} d_fake={last.DFake:F3}{warned} " +
                $"run={request.RunDir}"));
        return ExitCodes.Ok;
    }

    /// <summary>The folder name of a new run: runs/TIME-DATASET-MODEL.</summary>
    public static string DefaultRunDir(RunConfig config) =>
        Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{config.Dataset}-{config.Model.Name()}");

    /// <summary>A user error when the dataset's images or classes do not fit the model.</summary>
    public static void CheckDataset(RunConfig config, Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Train.ImageSize != config.InputDim || dataset.Train.Width != config.ImageWidth)
            throw new UserErrorException(
                $"{config.Dataset} images are {dataset.Train.Width}x{dataset.Train.Height}, " +
                $"but the model expects {config.ImageWidth}x{config.ImageHeight}");
        if (config.IsConditional && dataset.Train.Classes > config.Classes)
            throw new UserErrorException(
                $"{config.Dataset} has {dataset.Train.Classes} classes, the model {config.Classes}");
    }

    private static void PrepareRunFolder(string runDir, bool resuming)
    {
        if (resuming)
        {
            if (!Directory.Exists(runDir))
                throw new UserErrorException($"--resume {runDir}: no such run folder");
            return;
        }
        if (File.Exists(Path.Combine(runDir, Checkpoint.ConfigFile)))
            throw new UserErrorException(
                $"--out {runDir}: already holds a run; continue it with --resume {runDir} " +
                "or choose another --out");
        OutputFolder.EnsureWritable(runDir, "run");
    }
}
