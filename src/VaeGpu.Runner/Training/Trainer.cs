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
    /// <paramref name="resume"/>. Stops after the current step when <paramref name="cancel"/> is signalled.
    /// </summary>
    public TrainResult Run(bool resume, CancellationToken cancel)
    {
        int trainCount = Math.Min(config.Limit ?? data.Train.Count, data.Train.Count);
        int batch = Math.Min(config.BatchSize, trainCount);
        int classes = config.IsConditional ? config.Classes : 0;
        using var model = ModelFactory.CreateModel(accelerator, config, Math.Max(batch, 1));
        using var train = new DeviceSplit(accelerator, data.Train, trainCount, model.MaxBatch, classes);
        using var test = new DeviceSplit(accelerator, data.Test, data.Test.Count, model.MaxBatch, classes);
        var metrics = new List<EpochMetrics>();
        string metricsPath = Path.Combine(runDir, Checkpoint.MetricsFile);
        int done = 0;
        if (resume)
        {
            done = Checkpoint.Load(runDir, model, withOptimizer: true);
            if (File.Exists(metricsPath))
                metrics.AddRange(MetricsCsv.Read(metricsPath).Where(m => m.Epoch <= done));
            if (metrics.Count != done)
                throw new UserErrorException(
                    $"{metricsPath}: has {metrics.Count} rows for {done} completed epochs");
            MetricsCsv.Write(metricsPath, metrics); // drops a row whose checkpoint never landed
            progress.Info($"resuming after epoch {done} of {config.Epochs} (step {model.StepCount})");
        }
        else
        {
            AtomicFile.WriteAllText(Path.Combine(runDir, Checkpoint.ConfigFile), config.ToJson());
            MetricsCsv.Write(metricsPath, metrics);
        }

        var settings = ModelFactory.OptimizerSettings(config);
        int steps = (trainCount + batch - 1) / batch;
        for (int epoch = done + 1; epoch <= config.Epochs; epoch++)
        {
            progress.EpochStarted(epoch, config.Epochs, steps);
            train.UploadOrder(EpochShuffle.Permutation(trainCount, config.Seed, epoch));
            var clock = Stopwatch.StartNew();
            double trainLoss = 0, trainRecon = 0, trainKl = 0;
            for (int step = 0; step < steps; step++)
            {
                int start = step * batch, n = Math.Min(batch, trainCount - start);
                train.GatherFromOrder(start, n);
                float klWeight = model.Config.KlWeight(epoch - 1 + (double)step / steps);
                model.TrainStep(train.Images, train.OneHot, n, klWeight, settings);
                bool warming = klWeight != model.Config.KlWeight(config.Epochs + 1.0);
                if (warming || (step + 1) % LossReadInterval == 0 || step + 1 == steps)
                {
                    var losses = model.ReadAndResetLosses();
                    if (!double.IsFinite(losses.ReconSum) || !double.IsFinite(losses.KlSum))
                    {
                        bool nan = double.IsNaN(losses.ReconSum) || double.IsNaN(losses.KlSum);
                        int first = warming ? step + 1 : step / LossReadInterval * LossReadInterval + 1;
                        string where = first == step + 1 ? $"step {step + 1}" : $"steps {first}-{step + 1}";
                        return Stop(TrainOutcome.Diverged, metrics, $"training diverged: the loss became " +
                            $"{(nan ? "NaN" : "infinite")} at epoch {epoch}, {where} of {steps}; " +
                            $"{Kept(epoch - 1)}. Try a smaller --lr");
                    }
                    trainRecon += losses.ReconSum;
                    trainKl += losses.KlSum;
                    trainLoss += losses.ReconSum + klWeight * losses.KlSum;
                    int seen = start + n;
                    progress.StepFinished(step + 1, steps,
                        seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), trainLoss / seen);
                }
                if (cancel.IsCancellationRequested && step + 1 < steps)
                    return Stop(TrainOutcome.Interrupted, metrics,
                        $"interrupted at epoch {epoch}, step {step + 1} of {steps}; {Kept(epoch - 1)}");
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var testTotals = Evaluate(model, test, epoch);
            double beta = model.Config.KlWeight(config.Epochs + 1.0);
            var row = new EpochMetrics(epoch,
                trainLoss / trainCount, trainRecon / trainCount, trainKl / trainCount,
                testTotals.Total(beta), testTotals.Recon, testTotals.Kl, clock.Elapsed.TotalSeconds,
                trainCount / Math.Max(trainSeconds, 1e-9));
            if (!double.IsFinite(row.TestLoss))
                return Stop(TrainOutcome.Diverged, metrics,
                    $"training diverged: the test loss of epoch {epoch} is not finite; {Kept(epoch - 1)}");
            metrics.Add(row);
            RunPictures.Reconstructions(model, test, config)
                .Save(Path.Combine(runDir, $"reconstructions_epoch{epoch:D2}.png"));
            // Metrics first: a crash before the checkpoint lands leaves a row that --resume drops and redoes.
            MetricsCsv.Write(metricsPath, metrics);
            Checkpoint.Save(runDir, model, config, epoch);
            progress.EpochFinished(row);
            if (cancel.IsCancellationRequested && epoch < config.Epochs)
                return Stop(TrainOutcome.Interrupted, metrics,
                    $"interrupted after epoch {epoch}; {Kept(epoch)}");
        }

        RunPictures.WriteAll(runDir, model, test, config, metrics);
        ReportHtml.Write(runDir, config, metrics, Facts(trainCount, data.Test.Count, model));
        progress.Info($"wrote {runDir}");
        return new TrainResult(TrainOutcome.Completed, metrics, "");
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
        : $"no epoch completed, so {runDir} holds no checkpoint";

    private List<(string, string)> Facts(int trainCount, int testCount, VaeModel model) =>
    [
        ("model", model.Config.ToString()),
        ("parameters", model.Parameters.Count.ToString("N0",
            System.Globalization.CultureInfo.InvariantCulture)),
        ("accelerator", accelerator.Name),
        ("training images", trainCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("test images", testCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("optimizer steps", model.StepCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("version", typeof(Trainer).Assembly.GetName().Version?.ToString() ?? "?"),
        ("finished", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'",
            System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
