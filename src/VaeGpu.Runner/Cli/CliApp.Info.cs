// The sub-commands that describe the machine and the data: devices (each backend's devices, or why
// there are none) and data fetch|info.
using System.CommandLine;
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
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
                    var result = _console.Fetch(dataset, dir, quiet: false);
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
}
