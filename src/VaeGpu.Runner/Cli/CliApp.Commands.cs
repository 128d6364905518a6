// The sub-commands: sample (from a run folder), devices, data fetch|info (eval is in CliApp.Eval.cs);
// and the dataset loading every command shares (fetch when missing, verify, load).
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private Command SampleCommand()
    {
        var run = new Option<string>("--run") { Description = "Run folder with model.safetensors",
            Required = true };
        var count = new Option<int>("--n") { Description = "Number of samples", DefaultValueFactory = _ =>
            64 };
        var label = new Option<int?>("--label") { Description = "Class of every sample (cvae only)" };
        var output = new Option<string?>("--out")
        { Description = "PNG file (default RUN/samples-N[-label-D].png)" };
        var seed = new Option<long>("--seed") { Description = "Draw number (0 reproduces samples.png)",
            DefaultValueFactory = _ => 0 };
        var accelerator = AcceleratorOption();
        var command = new Command("sample", "Decode draws z ~ N(0, I) of a trained model into a PNG grid")
            { run, count, label, output, seed, accelerator };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(run)!;
            int n = parse.GetValue(count);
            int? digit = parse.GetValue(label);
            if (n <= 0 || n > 10_000)
                throw new UserErrorException($"--n: expected 1 to 10000 samples, got {n}");
            var config = RunConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile));
            if (digit is not null && !config.IsConditional)
                throw new UserErrorException(
                    $"--label: only a cvae takes labels; {dir} holds a {config.Model}");
            if (digit is < 0 || digit >= config.Classes)
                throw new UserErrorException(
                    $"--label: expected a class in [0, {config.Classes}), got {digit}");
            using var acc = ModelFactory.CreateAccelerator(parse.GetValue(accelerator)!, 0, 0);
            using var model = ModelFactory.CreateModel(acc, config, Math.Min(n, 256));
            Checkpoint.Load(dir, model, withOptimizer: false);
            string path = parse.GetValue(output)
                ?? Path.Combine(dir, $"samples-{n}{(digit is null ? "" : $"-label-{digit}")}.png");
            RunPictures.Samples(model, config, n, digit, parse.GetValue(seed)).Save(path);
            _out.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private Command DevicesCommand()
    {
        var command = new Command("devices", "List each backend and its devices, or why there are none");
        command.SetAction(_ =>
        {
            foreach (var probe in Accelerators.Probe())
            {
                string kind = probe.Kind.ToString().ToLowerInvariant();
                if (probe.Unavailable is not null)
                {
                    _out.WriteLine($"{kind}: unavailable: {probe.Unavailable}");
                    continue;
                }
                if (probe.Devices.Count == 0) { _out.WriteLine($"{kind}: no devices"); continue; }
                foreach (var d in probe.Devices)
                    _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{kind}:{d.Index} {d.Name} ({d.Vendor}; {d.ComputeUnits} compute units; " +
                        $"{d.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB)" +
                        $"{(d.Details.Length > 0 ? "; " + d.Details : "")}"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private Command DataCommand()
    {
        var command = new Command("data", "Fetch or describe a dataset (mnist, usps, fashion-mnist)");
        foreach (var (verb, description) in new[] { ("fetch", "Download (or find) and verify a dataset"),
            ("info", "Show where a dataset is and what it holds") })
        {
            var name = new Argument<string>("NAME") { Description = "mnist, usps or fashion-mnist" };
            name.AcceptOnlyFromAmong("mnist", "usps", "fashion-mnist");
            var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the dataset files" };
            var sub = new Command(verb, description) { name, dataDir };
            bool info = verb == "info";
            sub.SetAction(parse =>
            {
                string dataset = parse.GetValue(name)!;
                string dir = DataDirectory.Resolve(parse.GetValue(dataDir));
                if (!info)
                {
                    var result = Fetch(dataset, dir, quiet: false);
                    foreach (var (file, source) in result.Sources) _out.WriteLine($"{file}: {source}");
                    _out.WriteLine($"{dataset} ready in {result.Folder}");
                    return ExitCodes.Ok;
                }
                var catalog = DatasetCatalog.Get(dataset);
                string folder = DatasetLoader.Locate(catalog, dir)
                    ?? throw new DataException(
                        $"{dataset} not found under {dir}; run `VaeGpu.Runner data fetch {dataset}`");
                var data = DatasetLoader.LoadFrom(catalog, folder);
                _out.WriteLine($"{dataset} in {folder}");
                foreach (var (splitName, split) in new[] { ("train", data.Train), ("test", data.Test) })
                {
                    var counts = new int[split.Classes];
                    foreach (byte l in split.Labels.AsSpan(0, split.Count))
                        if (l < counts.Length) counts[l]++;
                    _out.WriteLine($"{splitName}: {split.Count} images of {split.Width}x{split.Height}, " +
                        $"{split.Classes} classes; per class {string.Join(" ", counts)}");
                }
                return ExitCodes.Ok;
            });
            command.Add(sub);
        }
        return command;
    }

    private static Option<string> AcceleratorOption()
    {
        var option = new Option<string>("--accelerator") { Description = "Backend to run on",
            DefaultValueFactory = _ => "cpu" };
        option.AcceptOnlyFromAmong("cpu", "opencl", "cuda");
        return option;
    }

    /// <summary>Finds (fetching when missing) and loads a dataset.</summary>
    private Dataset LoadDataset(string name, string? dataDirOption, bool quiet)
    {
        string dir = DataDirectory.Resolve(dataDirOption);
        var catalog = DatasetCatalog.Get(name);
        string folder = DatasetLoader.Locate(catalog, dir) ?? Fetch(name, dir, quiet).Folder;
        return DatasetLoader.LoadFrom(catalog, folder);
    }

    /// <summary>Fetches with Spectre.Console bars on a terminal, plain lines otherwise, nothing when
    /// quiet.</summary>
    private FetchResult Fetch(string name, string dir, bool quiet)
    {
        if (quiet || _style != ProgressStyle.Bars) return DataFetcher.Ensure(name, dir, FetchReporter(quiet));
        return AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                return DataFetcher.Ensure(name, dir, new SyncProgress<FetchProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.File, out var task))
                        tasks[p.File] = task = context.AddTask($"{p.Dataset}/{p.File}", maxValue: 1);
                    if (p.BytesTotal is > 0)
                    {
                        task.IsIndeterminate = false;
                        task.MaxValue = p.BytesTotal.Value;
                        task.Value = p.BytesDone;
                    }
                    else
                    {
                        task.IsIndeterminate = true;
                    }
                }));
            });
    }

    private IProgress<FetchProgress> FetchReporter(bool quiet)
    {
        var lastTenth = new Dictionary<string, long>();
        return new SyncProgress<FetchProgress>(p =>
        {
            if (quiet) return;
            long tenth = p.BytesTotal is > 0 ? p.BytesDone * 10 / p.BytesTotal.Value : p.BytesDone >> 23;
            if (lastTenth.TryGetValue(p.File, out long seen) && seen == tenth) return;
            lastTenth[p.File] = tenth;
            string total = p.BytesTotal is > 0 ? $" of {p.BytesTotal / 1024} KiB" : "";
            _out.WriteLine($"fetching {p.Dataset}/{p.File} from {p.Source}: {p.BytesDone / 1024} KiB{total}");
        });
    }

    /// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread
    /// pool).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
