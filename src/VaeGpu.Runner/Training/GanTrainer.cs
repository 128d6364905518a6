// The GAN training loop: each step one D update on a real and a fake batch, then one G update on fresh
// noise, all on the device; the loss sums are read every LossReadInterval steps. Noise comes from the
// model's step counter and each epoch's shuffle from (seed, epoch), so --resume continues exactly.
// After each epoch: the fixed-noise 8x8 grid, metrics.csv, the checkpoint and a health check that
// says so when D is right about every real and fake image or G's samples collapse.
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>The result of a GAN run: how it ended, its metrics and its warnings.</summary>
public sealed record GanTrainResult(TrainOutcome Outcome, IReadOnlyList<GanEpochMetrics> Metrics,
    IReadOnlyList<string> Warnings, string Message);

/// <summary>Trains a GAN run and writes every file of its folder.</summary>
public sealed partial class GanTrainer(RunConfig config, Dataset data, Accelerator accelerator, string runDir,
    ITrainingProgress progress)
{
    /// <summary>Images in the fixed-noise grid (8 x 8) and in the health check.</summary>
    public const int GridImages = 64;

    /// <summary>The health warnings of every completed epoch, one per line (read back by --resume).</summary>
    public const string WarningsFile = "warnings.txt";

    private readonly List<string> _warnings = [];

    /// <summary>The warning lines a run folder holds (none when it has no warnings file).</summary>
    public static string[] ReadWarnings(string runDir)
    {
        string path = Path.Combine(runDir, WarningsFile);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    /// <summary>Trains from scratch or, when <paramref name="resume"/>, from the last completed epoch.
    /// </summary>
    public GanTrainResult Run(bool resume, CancellationToken cancel)
    {
        int trainCount = Math.Min(config.Limit ?? data.Train.Count, data.Train.Count);
        int batch = Math.Min(config.BatchSize, trainCount);
        int classes = config.IsConditional ? config.Classes : 0;
        using var model = ModelFactory.CreateGan(accelerator, config, Math.Max(batch, GridImages));
        using var train = new DeviceSplit(accelerator, data.Train, trainCount, model.MaxBatch, classes);
        using var test = new DeviceSplit(accelerator, data.Test, Math.Min(GridImages, data.Test.Count),
            model.MaxBatch, classes);
        using var modes = ModeCheck.TryCreate(model, config, data, progress);
        var metrics = new List<GanEpochMetrics>();
        int done = resume && Checkpoint.Exists(runDir) ? Restore(model, metrics) : Begin(resume);
        var settings = ModelFactory.OptimizerSettings(config);
        int steps = (trainCount + batch - 1) / batch;
        for (int epoch = done + 1; epoch <= config.Epochs; epoch++)
        {
            progress.EpochStarted(epoch, config.Epochs, steps);
            train.UploadOrder(EpochShuffle.Permutation(trainCount, config.Seed, epoch));
            var clock = Stopwatch.StartNew();
            double dSum = 0, gSum = 0, realSum = 0, fakeSum = 0;
            for (int step = 0; step < steps; step++)
            {
                int start = step * batch, n = Math.Min(batch, trainCount - start);
                train.GatherFromOrder(start, n);
                model.TrainStep(train.Images, train.OneHot, n, settings);
                if ((step + 1) % Trainer.LossReadInterval != 0 && step + 1 != steps) continue;
                var losses = model.ReadAndResetLosses();
                if (!double.IsFinite(losses.DLossSum) || !double.IsFinite(losses.GLossSum))
                {
                    string what = double.IsNaN(losses.DLossSum + losses.GLossSum) ? "NaN" : "infinite";
                    return Stop(TrainOutcome.Diverged, metrics,
                        $"training diverged: a GAN loss became {what} at epoch {epoch}, step {step + 1} " +
                        $"of {steps}; {Kept(epoch - 1)}. Try a smaller --lr");
                }
                (dSum, gSum) = (dSum + losses.DLossSum, gSum + losses.GLossSum);
                (realSum, fakeSum) = (realSum + losses.DRealSum, fakeSum + losses.DFakeSum);
                progress.StepFinished(step + 1, steps,
                    (start + n) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), dSum / (start + n));
                if (cancel.IsCancellationRequested && step + 1 < steps)
                    return Stop(TrainOutcome.Interrupted, metrics,
                        $"interrupted at epoch {epoch}, step {step + 1} of {steps}; {Kept(epoch - 1)}");
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var row = new GanEpochMetrics(epoch, dSum / trainCount, gSum / trainCount, realSum / trainCount,
                fakeSum / trainCount, seconds, trainCount / Math.Max(seconds, 1e-9));
            metrics.Add(row);
            string health = SaveEpoch(model, test, modes, metrics, epoch);
            progress.EpochFinished(EpochLine(row) + health);
            if (cancel.IsCancellationRequested && epoch < config.Epochs)
                return Stop(TrainOutcome.Interrupted, metrics,
                    $"interrupted after epoch {epoch}; {Kept(epoch)}");
        }
        WriteFinal(model, metrics, trainCount);
        progress.Info($"wrote {runDir}");
        return new GanTrainResult(TrainOutcome.Completed, metrics, _warnings, "");
    }

    /// <summary>The epoch line: "epoch 3/10 d_loss=1.2 g_loss=0.9 d_real=0.61 d_fake=0.38 4.1 s 14000
    /// images/s".</summary>
    public string EpochLine(GanEpochMetrics m) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch}/{config.Epochs} d_loss={m.DLoss:F4} g_loss={m.GLoss:F4} d_real={m.DReal:F3} " +
        $"d_fake={m.DFake:F3} {m.EpochSeconds:F1} s {m.SamplesPerSecond:F0} images/s");

    private int Begin(bool resume)
    {
        if (resume)
            progress.Info($"{runDir} has no completed epoch (it stopped before its first checkpoint): " +
                "starting epoch 1 afresh");
        AtomicFile.WriteAllText(Path.Combine(runDir, Checkpoint.ConfigFile), config.ToJson());
        GanMetricsCsv.Write(Path.Combine(runDir, Checkpoint.MetricsFile), []);
        return 0;
    }

    private int Restore(GanModel model, List<GanEpochMetrics> metrics)
    {
        string metricsPath = Path.Combine(runDir, Checkpoint.MetricsFile);
        int done = Checkpoint.Load(runDir, model, withOptimizer: true);
        if (File.Exists(metricsPath))
            metrics.AddRange(GanMetricsCsv.Read(metricsPath).Where(m => m.Epoch <= done));
        if (metrics.Count != done)
            throw new UserErrorException(
                $"{metricsPath}: has {metrics.Count} rows for {done} completed epochs");
        GanMetricsCsv.Write(metricsPath, metrics);
        _warnings.AddRange(ReadWarnings(runDir).Where(w => GanHealth.EpochOf(w) <= done));
        progress.Info($"resuming after epoch {done} of {config.Epochs} (step {model.StepCount})");
        return done;
    }

    /// <summary>Writes the epoch's fixed-noise grid, metrics and checkpoint (metrics first, as the VAEs
    /// do); returns the health warnings of the epoch as text to append to its line.</summary>
    private string SaveEpoch(GanModel model, DeviceSplit test, ModeCheck? modes,
        List<GanEpochMetrics> metrics, int epoch)
    {
        var fixedImages = GanPictures.Generate(model, config, GridImages, counter: 0, label: null);
        GanPictures.Grid(fixedImages, GridImages, config, 8)
            .Save(Path.Combine(runDir, $"samples_epoch{epoch:D2}.png"));
        var check = GanHealth.Check(model, test, config, fixedImages) with { Rarest = modes?.Rarest(model) };
        var found = check.Warnings(epoch);
        _warnings.AddRange(found);
        // Warnings and metrics before the checkpoint: --resume keeps the rows of completed epochs only.
        AtomicFile.WriteAllText(Path.Combine(runDir, WarningsFile),
            string.Concat(_warnings.Select(w => w + "\n")));
        GanMetricsCsv.Write(Path.Combine(runDir, Checkpoint.MetricsFile), metrics);
        Checkpoint.Save(runDir, model, config, epoch);
        string rarest = check.Rarest is { } r
            ? string.Create(CultureInfo.InvariantCulture, $", rarest class {r.Name} {r.Ratio:0.00}x") : "";
        return (found.Count > 0 ? "; " + string.Join("; ", found) : "") + string.Create(
            CultureInfo.InvariantCulture,
            $" [D accuracy {check.DAccuracy:P0}, sample spread {check.Spread:F2}{rarest}]");
    }

    private void WriteFinal(GanModel model, List<GanEpochMetrics> metrics, int trainCount)
    {
        var images = GanPictures.Generate(model, config, GridImages, counter: 1, label: null);
        GanPictures.Grid(images, GridImages, config, 8).Save(Path.Combine(runDir, "samples.png"));
        if (config.IsConditional)
            GanPictures.ByClass(model, config).Save(Path.Combine(runDir, "samples_by_class.png"));
        AtomicFile.WriteAllText(Path.Combine(runDir, "loss.svg"), GanPictures.LossPlot(metrics));
        GanReportHtml.Write(runDir, config, metrics, _warnings,
        [
            ("model", model.Config.ToString()),
            ("parameters", $"{model.Parameters.Count:N0} (G {model.GeneratorCount:N0}, " +
                $"D {model.DiscriminatorCount:N0})"),
            ("accelerator", accelerator.Name),
            ("training images", trainCount.ToString(CultureInfo.InvariantCulture)),
            ("steps", model.StepCount.ToString(CultureInfo.InvariantCulture)),
            ("finished", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
        ]);
    }

    private GanTrainResult Stop(TrainOutcome outcome, List<GanEpochMetrics> metrics, string message) =>
        new(outcome, metrics, _warnings, message);

    private string Kept(int epoch) => epoch > 0
        ? $"the checkpoint of epoch {epoch} is kept in {runDir} (continue with --resume {runDir})"
        : $"no epoch completed, so {runDir} holds no checkpoint (--resume {runDir} starts epoch 1 afresh)";
}
