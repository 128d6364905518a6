// The train service: opens the accelerator (a missing backend is reported before any data is fetched),
// finds the data (the folder a resumed run recorded, unless --data-dir overrides it), prepares the run
// folder and runs the Trainer; returns the process exit code and prints the final line.
using System.Globalization;
using System.Runtime.CompilerServices;
using VaeGpu.Kernels;
using VaeGpu.Layers;
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
        if (request.Resume) PathOptions.ExistingFolder(request.RunDir, "--resume");
        else PathOptions.Required(request.RunDir, "--out");
        PathOptions.Optional(request.DataDir, "--data-dir");
        config.Validate();
        if (request.Resume && Checkpoint.CompletedEpochs(request.RunDir) is { } done)
            Trainer.CheckEpochs(config, request.RunDir, done);
        MemoryReport.Mark("start");
        using var accelerator = ModelFactory.CreateAccelerator(config);
        MemoryReport.Mark("accelerator");
        var (trainer, progress) = Prepare(console, request, accelerator, ref config);
        try
        {
            if (trainer.Gan is { } gan)
                return ReportGan(console, request, gan.Run(request.Resume, console.Cancel));
            var result = trainer.Vae!.Run(request.Resume, console.Cancel);
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
        catch (Exception e) when (CrashReport.Record(console, request.RunDir, e))
        {
            throw; // never reached: Record returns false, so the exception goes on unchanged
        }
        finally { (progress as IDisposable)?.Dispose(); }
    }

    private static int ReportGan(IRunnerConsole console, TrainRequest request, GanTrainResult result)
    {
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
        // Batch norm in training mode (the dcgan's G) cannot normalize a batch of one image.
        int images = Math.Min(config.Limit ?? dataset.Train.Count, dataset.Train.Count);
        int batch = Math.Min(config.BatchSize, images), last = images - (images - 1) / batch * batch;
        if (config.Model == ModelKind.Dcgan && last == 1)
            throw new UserErrorException(
                $"--batch-size {config.BatchSize}: {images} training images in batches of {batch} leave a "
                + "last batch of 1 image, and the dcgan's batch norm needs at least 2; pick another "
                + "--batch-size or --limit");
    }

    /// <summary>One line for each setting that is valid but probably not what was meant (issue 19 item 3):
    /// each has a meaning, so the run goes on, but it should not pass in silence.</summary>
    public static IEnumerable<string> Notes(RunConfig config, Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        int available = dataset.Train.Count, images = Math.Min(config.Limit ?? available, available);
        if (config.Limit > available)
            yield return $"--limit {config.Limit} is more than the {available} training images of " +
                $"{config.Dataset}: training on all {available}";
        if (config.BatchSize > images)
            yield return $"--batch-size {config.BatchSize} is more than the {images} training images: " +
                $"one step of {images} images per epoch";
        if (!config.IsAutoencoder && config.KlWarmup > config.Epochs)
        {
            string reached = (config.Beta * config.Epochs / config.KlWarmup).ToString("0.###",
                CultureInfo.InvariantCulture);
            yield return $"--kl-warmup {config.KlWarmup} is longer than --epochs {config.Epochs}: " +
                $"beta only reaches {reached} of {config.Beta.ToString(CultureInfo.InvariantCulture)} by " +
                "the end (test_loss uses the full beta)";
        }
    }

    // Loads and checks the data, prepares the run folder and makes the trainer, in a frame of its own so
    // that nothing in Run's frame keeps the host pixels alive once the trainer has dropped them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ((Trainer? Vae, GanTrainer? Gan) Trainer, ITrainingProgress Progress) Prepare(
        IRunnerConsole console, TrainRequest request, Accelerator accelerator, ref RunConfig config)
    {
        var (dataset, folder) = DatasetSource.Load(console, config.Dataset, request.DataDir,
            request.Resume ? config.DataFolder : null, request.Quiet);
        MemoryReport.Mark("dataset loaded");
        config = config with { DataFolder = folder };
        CheckDataset(config, dataset);
        foreach (string note in Notes(config, dataset)) console.Err.WriteLine($"note: {note}");
        PrepareRunFolder(request.RunDir, request.Resume);
        // config.json at once: a run killed from here on is resumable (the Trainer writes it again).
        if (!request.Resume) AtomicFile.WriteAllText(Path.Combine(request.RunDir, Checkpoint.ConfigFile),
            config.ToJson());
        var progress = console.TrainingProgress(request.Quiet);
        progress.Info($"run folder {Path.GetFullPath(request.RunDir)}");
        int trainImages = Math.Min(config.Limit ?? dataset.Train.Count, dataset.Train.Count);
        progress.Info($"{config.Model.Name()} on {config.Dataset} ({trainImages} training images), " +
            $"{accelerator.Name}");
        return (config.IsGan
            ? (null, new GanTrainer(config, dataset, accelerator, request.RunDir, progress))
            : (new Trainer(config, dataset, accelerator, request.RunDir, progress), null), progress);
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
