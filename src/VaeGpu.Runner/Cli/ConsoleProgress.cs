// Training progress on the console. On a terminal: one live bar while an epoch runs (steps, percent,
// running loss, images/s, time left), replaced by one summary line when the epoch finishes; the bar
// is drawn through a LiveLine, so other output never cuts it off and Ctrl+C leaves it where it stopped.
// Redirected: plain lines (about every 10% of an epoch and one per finished epoch). --quiet: nothing.
using System.Diagnostics;
using System.Globalization;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

/// <summary>How progress is shown.</summary>
internal enum ProgressStyle
{
    /// <summary>A live bar per epoch on a terminal.</summary>
    Bars,
    /// <summary>Plain text lines (stdout redirected).</summary>
    Lines,
    /// <summary>Nothing (--quiet).</summary>
    Quiet,
}

/// <summary>Shows training progress in the chosen style.</summary>
internal sealed class ConsoleProgress : ITrainingProgress, IDisposable
{
    private const int BarCells = 20;
    private readonly TextWriter _output;
    private readonly ProgressStyle _style;
    private readonly LiveLine? _live;
    private readonly Stopwatch _clock = new();
    private readonly Func<string> _bar;
    private int _epoch, _epochs, _step, _steps;
    private Tenths _tenths = new();
    private double _imagesPerSecond, _runningLoss = double.NaN;

    /// <summary>Progress on <paramref name="output"/>; for bars, a guarded writer of a LiveLine (the
    /// program's), else a LiveLine of its own is made over <paramref name="output"/>.</summary>
    public ConsoleProgress(TextWriter output, ProgressStyle style)
    {
        _style = style;
        if (style == ProgressStyle.Bars)
        {
            if (output is LiveLine.GuardedWriter guarded) _live = guarded.Line;
            else
            {
                _live = new LiveLine(output, () => 80);
                output = _live.Guard(output);
            }
        }
        _output = output;
        _bar = () => BarText(_step, _steps, _imagesPerSecond, _runningLoss); // made once, drawn <= 10/s
    }

    public void EpochStarted(int epoch, int epochs, int steps)
    {
        (_epoch, _epochs, _tenths) = (epoch, epochs, new Tenths());
        (_step, _steps, _imagesPerSecond, _runningLoss) = (0, steps, 0, double.NaN);
        _clock.Restart();
        _live?.Show(_bar);
    }

    public void StepFinished(int step, int steps, double imagesPerSecond, double runningLoss)
    {
        if (_live is not null)
        {
            (_step, _steps, _imagesPerSecond, _runningLoss) = (step, steps, imagesPerSecond, runningLoss);
            _live.Refresh(); // no allocation unless the bar is due to be redrawn
            return;
        }
        if (_style != ProgressStyle.Lines) return;
        if (_tenths.Crossed((double)step / steps) is not null && step < steps)
        {
            _output.WriteLine(Invariant($"epoch {_epoch}/{_epochs} step {step}/{steps} ")
                + Invariant($"loss={runningLoss:F3} images/s={imagesPerSecond:F0}"));
        }
    }

    public void EpochFinished(EpochMetrics m)
    {
        _live?.Clear(); // the bar only while the epoch runs: one summary line replaces it
        if (_style == ProgressStyle.Quiet) return;
        _output.WriteLine(
            // beta: the mean KL weight train_loss used this epoch (it ramps during --kl-warmup)
            Invariant($"epoch {m.Epoch}/{_epochs} train_loss={m.TrainLoss:F4} beta={m.Beta:0.###} ")
            + Invariant($"test_loss={m.TestLoss:F4} ")
            + Invariant($"(recon {m.TestRecon:F3}, kl {m.TestKl:F3}) {m.EpochSeconds:F1} s ")
            + Invariant($"{m.SamplesPerSecond:F0} images/s"));
    }

    public void EpochFinished(string summary)
    {
        _live?.Clear(); // as for a VAE epoch: the summary line replaces the bar
        if (_style != ProgressStyle.Quiet) _output.WriteLine(summary);
    }

    public void Info(string message)
    {
        if (_style != ProgressStyle.Quiet) _output.WriteLine(message);
    }

    /// <summary>Leaves a bar that is still live (an interrupted or failed epoch) where it stopped and
    /// shows the cursor.</summary>
    public void Dispose() => _live?.Freeze();

    /// <summary>The bar's text: "epoch 2/10 [bar]  41% 193/469 loss 132.41 23810 img/s 0:07 left".</summary>
    public string BarText(int step, int steps, double imagesPerSecond, double runningLoss)
    {
        double fraction = steps > 0 ? Math.Clamp((double)step / steps, 0, 1) : 0;
        int full = (int)Math.Round(fraction * BarCells);
        string bar = new string('\u2588', full) + new string('\u2591', BarCells - full);
        string text = Invariant($"epoch {_epoch}/{_epochs} {bar} {fraction * 100,3:F0}% {step}/{steps}");
        if (double.IsFinite(runningLoss)) text += Invariant($" loss {runningLoss:F2}");
        if (imagesPerSecond > 0) text += Invariant($" {imagesPerSecond:F0} img/s");
        if (step > 0 && step < steps)
        {
            var left = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (steps - step) / step);
            text += " " + (left.TotalHours >= 1 ? left.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
                : left.ToString(@"m\:ss", CultureInfo.InvariantCulture)) + " left";
        }
        return text;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
