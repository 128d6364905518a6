// What the training loop tells its caller as it goes; the CLI shows it as Spectre.Console bars, plain
// lines when stdout is redirected, or nothing with --quiet. Tests pass a recorder.
namespace VaeGpu.Runner.Training;

/// <summary>Receives progress of a training run.</summary>
public interface ITrainingProgress
{
    /// <summary>An epoch of <paramref name="steps"/> steps begins.</summary>
    void EpochStarted(int epoch, int epochs, int steps);

    /// <summary>A step finished: images per second so far this epoch and the running mean loss per
    /// image.</summary>
    void StepFinished(int step, int steps, double imagesPerSecond, double runningLoss);

    /// <summary>An epoch finished (after its test evaluation).</summary>
    void EpochFinished(EpochMetrics metrics);

    /// <summary>A GAN epoch finished: its one summary line (losses, D's accuracy, health warnings).
    /// </summary>
    void EpochFinished(string summary);

    /// <summary>A line of information (run folder, device, resumed epoch, pictures written).</summary>
    void Info(string message);
}

/// <summary>Progress that goes nowhere.</summary>
public sealed class SilentProgress : ITrainingProgress
{
    /// <inheritdoc/>
    public void EpochStarted(int epoch, int epochs, int steps) { }
    /// <inheritdoc/>
    public void StepFinished(int step, int steps, double imagesPerSecond, double runningLoss) { }
    /// <inheritdoc/>
    public void EpochFinished(EpochMetrics metrics) { }
    /// <inheritdoc/>
    public void EpochFinished(string summary) { }
    /// <inheritdoc/>
    public void Info(string message) { }
}

/// <summary>How a training run ended.</summary>
public enum TrainOutcome
{
    /// <summary>Every epoch ran.</summary>
    Completed,
    /// <summary>Stopped by Ctrl+C after a step; the last completed epoch's checkpoint is kept.</summary>
    Interrupted,
    /// <summary>A loss became NaN or infinite; the last good checkpoint is kept.</summary>
    Diverged,
}

/// <summary>The result of <see cref="Trainer.Run"/>.</summary>
public sealed record TrainResult(TrainOutcome Outcome, IReadOnlyList<EpochMetrics> Metrics, string Message);
