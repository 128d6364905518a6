// The training loop. Everything random is a function of (seed, epoch, step): the shuffle of each epoch
// (EpochShuffle), the eps of each step (the model's step counter, restored on resume) and the eps of
// each test evaluation (EvalCounter set from the epoch), so --resume ends bit for bit where an
// uninterrupted run would on a deterministic backend. Losses accumulate on the device and are read back
// every LossReadInterval steps (a sync on GPU backends), or every step while a KL warm-up changes the
// weight from step to step, so that train_loss weighs each step's KL exactly.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>Trains a run's model and writes every file of the run folder.</summary>
public sealed class Trainer(RunConfig config, Dataset data, Accelerator accelerator, string runDir,
    ITrainingProgress progress)
{
    /// <summary>Steps between reads of the loss sums (and NaN checks) while the KL weight is fixed.</summary>
    public const int LossReadInterval = 10;

    /// <summary>
    /// Trains from scratch, or from the last completed epoch in the run folder when
    /// <paramref name="resume"/> (from epoch 1 when the run stopped before its first checkpoint).
    /// Stops after the current step when <paramref name="cancel"/> is signalled.
    /// </summary>
    public TrainResult Run(bool resume, CancellationToken cancel)
    {
        int trainCount = Math.Min(config.Limit ?? data.Train.Count, data.Train.Count);
        int batch = Math.Min(config.BatchSize, trainCount);
        int classes = config.IsConditional ? config.Classes : 0;
        using var model = ModelFactory.CreateModel(accelerator, config, Math.Max(batch, 1));
        using var train = Upload(train: true, trainCount, model.MaxBatch, classes);
        using var test = Upload(train: false, data.Test.Count, model.MaxBatch, classes);
        // The pixels are on the device now: drop the host copy (55 MB for MNIST) and hand its pages
        // back before training, so the run's peak is not the dataset twice. Once per run, a few ms.
        data = data.WithoutImages();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        MemoryReport.Mark("uploaded, model built");
        var metrics = new List<EpochMetrics>();
        int done = resume && Checkpoint.Exists(runDir) ? Restore(model, metrics) : Begin(resume);
        var settings = ModelFactory.OptimizerSettings(config);
        var epochRun = new EpochRun(model, train, batch, trainCount, settings);
        for (int epoch = done + 1; epoch <= config.Epochs; epoch++)
        {
            var stop = TrainEpoch(epochRun, epoch, cancel, out var clock);
            if (stop is not null) return Stop(stop.Value.Outcome, metrics, stop.Value.Message);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var testTotals = Evaluate(model, test, epoch);
            var row = new EpochMetrics(epoch,
                epochRun.Loss / trainCount, epochRun.Recon / trainCount, epochRun.Kl / trainCount,
                testTotals.Total(model.Config.FinalKlWeight), testTotals.Recon, testTotals.Kl,
                clock.Elapsed.TotalSeconds, trainCount / Math.Max(trainSeconds, 1e-9),
                epochRun.Beta / trainCount);
            if (!double.IsFinite(row.TestLoss))
                return Stop(TrainOutcome.Diverged, metrics,
                    $"training diverged: the test loss of epoch {epoch} is not finite; {Kept(epoch - 1)}");
            metrics.Add(row);
            SaveEpoch(model, test, metrics, epoch);
            progress.EpochFinished(row);
            MemoryReport.Mark($"epoch {epoch}");
            if (cancel.IsCancellationRequested && epoch < config.Epochs)
                return Stop(TrainOutcome.Interrupted, metrics,
                    $"interrupted after epoch {epoch}; {Kept(epoch)}");
        }

        RunPictures.WriteAll(runDir, model, test, config, metrics);
        MemoryReport.Mark("pictures");
        ReportHtml.Write(runDir, config, metrics, Facts(trainCount, data.Test.Count, model));
        MemoryReport.Mark("report");
        progress.Info($"wrote {runDir}");
        return new TrainResult(TrainOutcome.Completed, metrics, "");
    }

    // Uploads one split in a frame of its own, so that no temporary of Run's frame keeps the host pixels.
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private DeviceSplit Upload(bool train, int count, int maxBatch, int classes) =>
        new(accelerator, train ? data.Train : data.Test, count, maxBatch, classes);

    /// <summary>A new run (or one that stopped before its first checkpoint): writes config.json and an
    /// empty metrics.csv; returns 0 completed epochs.</summary>
    private int Begin(bool resume)
    {
        if (resume)
            progress.Info($"{runDir} has no completed epoch (it stopped before its first checkpoint): " +
                "starting epoch 1 afresh");
        AtomicFile.WriteAllText(Path.Combine(runDir, Checkpoint.ConfigFile), config.ToJson());
        MetricsCsv.Write(Path.Combine(runDir, Checkpoint.MetricsFile), []);
        CrashPoint.Hit(CrashPoint.Started, 0);
        return 0;
    }

    /// <summary>Loads the last checkpoint and its metrics rows; returns the completed epochs.</summary>
    private int Restore(VaeModel model, List<EpochMetrics> metrics)
    {
        string metricsPath = Path.Combine(runDir, Checkpoint.MetricsFile);
        int done = Checkpoint.Load(runDir, model, withOptimizer: true);
        CheckEpochs(config, runDir, done);
        if (File.Exists(metricsPath))
            metrics.AddRange(MetricsCsv.Read(metricsPath).Where(m => m.Epoch <= done)
                .Select(m => double.IsNaN(m.Beta) ? m with { Beta = EpochBeta(model, m.Epoch) } : m));
        if (metrics.Count != done)
            throw new UserErrorException(
                $"{metricsPath}: has {metrics.Count} rows for {done} completed epochs");
        MetricsCsv.Write(metricsPath, metrics); // drops a row whose checkpoint never landed
        progress.Info(done == config.Epochs
            ? $"all {done} epochs of {runDir} are done; writing its pictures and report again"
            : $"resuming after epoch {done} of {config.Epochs} (step {model.StepCount})");
        return done;
    }

    /// <summary>Trains one epoch's steps; returns why it stopped early, or null when it ran
    /// through.</summary>
    private (TrainOutcome Outcome, string Message)? TrainEpoch(EpochRun run, int epoch,
        CancellationToken cancel, out Stopwatch clock)
    {
        var model = run.Model;
        int steps = run.Steps;
        progress.EpochStarted(epoch, config.Epochs, steps);
        run.Train.UploadOrder(EpochShuffle.Permutation(run.TrainCount, config.Seed, epoch));
        clock = Stopwatch.StartNew();
        run.Loss = run.Recon = run.Kl = run.Beta = 0;
        float finalWeight = model.Config.FinalKlWeight;
        for (int step = 0; step < steps; step++)
        {
            int start = step * run.Batch, n = Math.Min(run.Batch, run.TrainCount - start);
            run.Train.GatherFromOrder(start, n);
            float klWeight = model.Config.KlWeight(epoch - 1 + (double)step / steps);
            model.TrainStep(run.Train.Images, run.Train.OneHot, n, klWeight, run.Settings);
            run.Beta += (double)klWeight * n;
            CrashPoint.Hit(CrashPoint.Step, model.StepCount);
            bool warming = klWeight != finalWeight;
            if (warming || (step + 1) % LossReadInterval == 0 || step + 1 == steps)
            {
                var losses = model.ReadAndResetLosses();
                if (!double.IsFinite(losses.ReconSum) || !double.IsFinite(losses.KlSum))
                    return (TrainOutcome.Diverged, Diverged(losses, epoch, step, steps, warming));
                run.Recon += losses.ReconSum;
                run.Kl += losses.KlSum;
                run.Loss += losses.ReconSum + klWeight * losses.KlSum;
                int seen = start + n;
                progress.StepFinished(step + 1, steps,
                    seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), run.Loss / seen);
            }
            if (cancel.IsCancellationRequested && step + 1 < steps)
                return (TrainOutcome.Interrupted,
                    $"interrupted at epoch {epoch}, step {step + 1} of {steps}; {Kept(epoch - 1)}");
        }
        return null;
    }

    /// <summary>A user error when <paramref name="done"/> completed epochs exceed the run's --epochs: that
    /// cannot mean anything, and going on would rewrite the outputs of a longer run.</summary>
    public static void CheckEpochs(RunConfig config, string runDir, int done)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (done > config.Epochs)
            throw new UserErrorException($"--epochs {config.Epochs}: {runDir} has already completed " +
                $"{done} epochs; give --epochs above {done} to train more");
    }

    /// <summary>The mean KL weight of an epoch's steps (for rows written before the beta column), assuming
    /// equal steps.</summary>
    private static double EpochBeta(VaeModel model, int epoch)
    {
        const int Points = 1000;
        double sum = 0;
        for (int i = 0; i < Points; i++) sum += model.Config.KlWeight(epoch - 1 + (double)i / Points);
        return sum / Points;
    }

    private string Diverged(LossTotals losses, int epoch, int step, int steps, bool warming)
    {
        bool nan = double.IsNaN(losses.ReconSum) || double.IsNaN(losses.KlSum);
        int first = warming ? step + 1 : step / LossReadInterval * LossReadInterval + 1;
        string where = first == step + 1 ? $"step {step + 1}" : $"steps {first}-{step + 1}";
        return $"training diverged: the loss became {(nan ? "NaN" : "infinite")} at epoch {epoch}, " +
            $"{where} of {steps}; {Kept(epoch - 1)}. Try a smaller --lr";
    }

    /// <summary>Writes an epoch's reconstructions, metrics and checkpoint, in an order a crash at any
    /// point leaves resumable.</summary>
    private void SaveEpoch(VaeModel model, DeviceSplit test, List<EpochMetrics> metrics, int epoch)
    {
        RunPictures.Reconstructions(model, test, config)
            .Save(Path.Combine(runDir, $"reconstructions_epoch{epoch:D2}.png"));
        // Metrics first: a crash before the checkpoint lands leaves a row that --resume drops and redoes.
        MetricsCsv.Write(Path.Combine(runDir, Checkpoint.MetricsFile), metrics);
        Checkpoint.Save(runDir, model, config, epoch);
    }

    /// <summary>What one epoch's steps share: the model, the training split, sizes and the running
    /// loss sums of the epoch (nats, summed over images).</summary>
    private sealed class EpochRun(VaeModel model, DeviceSplit train, int batch, int trainCount,
        OptimizerParams settings)
    {
        public VaeModel Model { get; } = model;
        public DeviceSplit Train { get; } = train;
        public int Batch { get; } = batch;
        public int TrainCount { get; } = trainCount;
        public int Steps { get; } = (trainCount + batch - 1) / batch;
        public OptimizerParams Settings { get; } = settings;
        public double Loss { get; set; }
        public double Recon { get; set; }
        public double Kl { get; set; }
        public double Beta { get; set; } // sum over the epoch's images of the KL weight each was trained with
    }

    /// <summary>Test-set losses per image with sampled eps from stream Eval(epoch-derived counter).</summary>
    public static LossTotals Evaluate(VaeModel model, DeviceSplit test, int epoch)
    {
        model.ReadAndResetEvalLosses();
        model.EvalCounter = (long)epoch << 24; // a counter range of its own per epoch: resume-safe
        test.UploadOrder(Enumerable.Range(0, test.Count).ToArray());
        for (int start = 0; start < test.Count; start += model.MaxBatch)
        {
            int n = Math.Min(model.MaxBatch, test.Count - start);
            test.GatherFromOrder(start, n);
            model.Evaluate(test.Images, test.OneHot, n, sampleEps: true);
        }
        return model.ReadAndResetEvalLosses();
    }

    private TrainResult Stop(TrainOutcome outcome, List<EpochMetrics> metrics, string message) =>
        new(outcome, metrics, message);

    private string Kept(int epoch) => epoch > 0
        ? $"the checkpoint of epoch {epoch} is kept in {runDir} (continue with --resume {runDir})"
        : $"no epoch completed, so {runDir} holds no checkpoint (--resume {runDir} starts epoch 1 afresh)";

    /// <summary>Which beta each loss uses (issue 19 item 8), for the report.</summary>
    private string BetaFact()
    {
        if (config.IsAutoencoder) return "none: an ae has no KL term";
        string beta = config.Beta.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return config.KlWarmup > 0
            ? $"train loss: the epoch's mean beta, ramping from 0 to {beta} over {config.KlWarmup} epochs " +
                $"(metrics.csv column beta); test loss: the full beta {beta}"
            : $"{beta} for train and test loss";
    }

    private List<(string, string)> Facts(int trainCount, int testCount, VaeModel model) =>
    [
        ("model", model.Config.ToString()),
        ("parameters", model.Parameters.Count.ToString("N0",
            System.Globalization.CultureInfo.InvariantCulture)),
        ("beta (KL weight)", BetaFact()),
        ("accelerator", accelerator.Name),
        ("training images", trainCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("test images", testCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("optimizer steps", model.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("version", typeof(Trainer).Assembly.GetName().Version?.ToString() ?? "?"),
        ("finished", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'",
            System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
