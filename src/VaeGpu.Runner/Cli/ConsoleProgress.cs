// Training progress on the console: a Spectre.Console bar per epoch (batches, images/s, running loss,
// ETA) when stdout is a terminal; plain lines (start and end of each epoch, and about every 10% of an
// epoch) when it is redirected; nothing with --quiet, whose only output is the final line.
using System.Globalization;
using Spectre.Console;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

/// <summary>How progress is shown.</summary>
internal enum ProgressStyle
{
    /// <summary>Spectre.Console live bars.</summary>
    Bars,
    /// <summary>Plain text lines (stdout redirected).</summary>
    Lines,
    /// <summary>Nothing (--quiet).</summary>
    Quiet,
}

/// <summary>Shows training progress in the chosen style.</summary>
internal sealed class ConsoleProgress(TextWriter output, ProgressStyle style) : ITrainingProgress, IDisposable
{
    private int _epoch, _epochs;
    private Tenths _tenths = new();
    private BarDisplay? _bars;

    public void EpochStarted(int epoch, int epochs, int steps)
    {
        (_epoch, _epochs, _tenths) = (epoch, epochs, new Tenths());
        if (style == ProgressStyle.Bars) (_bars ??= new BarDisplay()).Start(epoch, epochs, steps);
    }

    public void StepFinished(int step, int steps, double imagesPerSecond, double runningLoss)
    {
        if (style == ProgressStyle.Bars) { _bars?.Update(step, imagesPerSecond, runningLoss); return; }
        if (style != ProgressStyle.Lines) return;
        if (_tenths.Crossed((double)step / steps) is not null && step < steps)
        {
            output.WriteLine(Invariant($"epoch {_epoch}/{_epochs} step {step}/{steps} loss={runningLoss:F3} ")
                + Invariant($"images/s={imagesPerSecond:F0}"));
        }
    }

    public void EpochFinished(EpochMetrics m)
    {
        _bars?.Finish();
        if (style == ProgressStyle.Quiet) return;
        output.WriteLine(
            // beta: the mean KL weight train_loss used this epoch (it ramps during --kl-warmup)
            Invariant($"epoch {m.Epoch}/{_epochs} train_loss={m.TrainLoss:F4} beta={m.Beta:0.###} ")
            + Invariant($"test_loss={m.TestLoss:F4} ")
            + Invariant($"(recon {m.TestRecon:F3}, kl {m.TestKl:F3}) {m.EpochSeconds:F1} s ")
            + Invariant($"{m.SamplesPerSecond:F0} images/s"));
    }

    public void Info(string message)
    {
        if (style != ProgressStyle.Quiet) output.WriteLine(message);
    }

    public void Dispose() => _bars?.Finish();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One Spectre progress task per epoch, driven from the training thread.</summary>
    private sealed class BarDisplay
    {
        private Task? _render;
        private ProgressTask? _task;
        private TaskCompletionSource? _done;
        private readonly ManualResetEventSlim _ready = new();

        public void Start(int epoch, int epochs, int steps)
        {
            Finish();
            _ready.Reset();
            _done = new TaskCompletionSource();
            var done = _done;
            var progress = AnsiConsole.Progress().AutoClear(false).HideCompleted(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn());
            _render = progress.StartAsync(async context =>
            {
                _task = context.AddTask($"epoch {epoch}/{epochs}", maxValue: steps);
                _ready.Set();
                await done.Task.ConfigureAwait(false);
            });
            _ready.Wait(TimeSpan.FromSeconds(5));
        }

        public void Update(int step, double imagesPerSecond, double runningLoss)
        {
            if (_task is null) return;
            _task.Value = step;
            _task.Description = string.Create(CultureInfo.InvariantCulture,
                $"{_task.Description.Split(' ')[0]} {_task.Description.Split(' ')[1]} "
                + $"loss {runningLoss:F2} {imagesPerSecond:F0} img/s");
        }

        public void Finish()
        {
            if (_done is null) return;
            if (_task is not null) _task.Value = _task.MaxValue;
            _done.TrySetResult();
            _render?.Wait();
            (_done, _task, _render) = (null, null, null);
        }
    }
}
