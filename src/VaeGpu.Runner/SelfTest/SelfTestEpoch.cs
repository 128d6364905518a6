// The training half of the self-test: one epoch of the default VAE (784-400-20, Adam, batch 128)
// through the runner's own Trainer, in a temporary run folder, so the self-test measures exactly what
// `VaeGpu.Runner --accelerator X` does. Same seed and data order on both accelerators.
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.SelfTest;

/// <summary>Builds the self-test's epoch hook from a dataset.</summary>
public static class SelfTestEpoch
{
    /// <summary>
    /// A hook that trains one epoch on the accelerator it is given and reports the test loss and the
    /// epoch time; <paramref name="load"/> runs once, on first use (so a missing GPU never loads data).
    /// </summary>
    public static Func<Accelerator, EpochReport> Create(Func<Dataset> load, int? limit = null, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(load);
        var data = new Lazy<Dataset>(load);
        return accelerator =>
        {
            var config = new RunConfig
            {
                Epochs = 1,
                Limit = limit,
                Seed = seed,
                Accelerator = accelerator.Kind,
            };
            var runDir = Directory.CreateTempSubdirectory("vaegpu-selftest-");
            try
            {
                var progress = new SilentProgress();
                var trainer = new Trainer(config, data.Value, accelerator, runDir.FullName, progress);
                var result = trainer.Run(resume: false, CancellationToken.None);
                if (result.Outcome != TrainOutcome.Completed || result.Metrics.Count == 0)
                    return new EpochReport(double.NaN, TimeSpan.Zero);
                var epoch = result.Metrics[^1];
                return new EpochReport(epoch.TestLoss, TimeSpan.FromSeconds(epoch.EpochSeconds));
            }
            finally
            {
                runDir.Delete(recursive: true);
            }
        };
    }
}
