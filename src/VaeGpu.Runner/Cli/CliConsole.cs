// The console the services report to: Spectre.Console bars on a terminal, a plain line per tenth of the
// work when output is redirected, nothing when quiet. Also shows dataset downloads the same way.
using Spectre.Console;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

/// <summary>The CLI's <see cref="IRunnerConsole"/>.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, ProgressStyle style,
    CancellationToken cancel) : IRunnerConsole
{
    public TextWriter Out => output;
    public TextWriter Err => error;
    public CancellationToken Cancel => cancel;

    public ITrainingProgress TrainingProgress(bool quiet) =>
        new ConsoleProgress(output, quiet ? ProgressStyle.Quiet : style);

    public T WithProgress<T>(bool silent, string task, Func<IProgress<double>?, T> work)
    {
        if (silent) return work(null);
        if (style != ProgressStyle.Bars)
        {
            var tenths = new Tenths();
            return work(new SyncProgress<double>(fraction =>
            {
                if (tenths.Crossed(fraction) is { } tenth) output.WriteLine($"{task}: {tenth * 10}%");
            }));
        }
        return AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(),
                new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(context =>
            {
                var bar = context.AddTask(task, maxValue: 1);
                var result = work(new SyncProgress<double>(fraction => bar.Value = Math.Min(fraction, 1)));
                bar.Value = 1;
                return result;
            });
    }

    public FetchResult Fetch(string name, string dataDir, bool quiet)
    {
        if (quiet || style != ProgressStyle.Bars) return DataFetcher.Ensure(name, dataDir, FetchLines(quiet));
        return AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return DataFetcher.Ensure(name, dataDir, new SyncProgress<FetchProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.File, out var task))
                        tasks[p.File] = task = context.AddTask($"{p.Dataset}/{p.File}", maxValue: 1);
                    task.IsIndeterminate = p.BytesTotal is not > 0;
                    if (p.BytesTotal is > 0)
                    {
                        task.MaxValue = p.BytesTotal.Value;
                        task.Value = p.BytesDone;
                    }
                }));
            });
    }

    /// <summary>A line per tenth of each file (per 8 MiB when its size is unknown), or nothing.</summary>
    private SyncProgress<FetchProgress> FetchLines(bool quiet)
    {
        var tenths = new Dictionary<string, Tenths>();
        return new SyncProgress<FetchProgress>(p =>
        {
            if (quiet) return;
            if (!tenths.TryGetValue(p.File, out var seen))
                tenths[p.File] = seen = new Tenths(reportZero: true);
            double fraction = p.BytesTotal is > 0 ? (double)p.BytesDone / p.BytesTotal.Value
                : (p.BytesDone >> 23) / 10.0;
            if (seen.Crossed(fraction) is null) return;
            string total = p.BytesTotal is > 0 ? $" of {p.BytesTotal / 1024} KiB" : "";
            output.WriteLine(
                $"fetching {p.Dataset}/{p.File} from {p.Source}: {p.BytesDone / 1024} KiB{total}");
        });
    }
}

/// <summary>The one "report every 10%" rule of the plain-line progress: which tenth of the work a
/// fraction first reaches.</summary>
internal sealed class Tenths(bool reportZero = false)
{
    private int _last = reportZero ? -1 : 0;

    /// <summary>The tenth (0-10) <paramref name="fraction"/> reaches when it is past the last one reported,
    /// else null.</summary>
    public int? Crossed(double fraction)
    {
        int tenth = (int)Math.Floor(fraction * 10);
        if (tenth <= _last) return null;
        _last = tenth;
        return tenth;
    }
}
