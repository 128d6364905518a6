// What a sweep runs: a grid ("latent=2,5;beta=0.5,1": every combination, first key slowest) or a plan
// file (one run per line, "latent=2 beta=0.5", # comments), each run a list of settings applied to
// the base configuration the sweep's own training options give. Every run is built and checked before
// the first one trains, so a typo in the last cell fails in a second, not after an hour.
using System.Globalization;
using VaeGpu.Runner.Cli;

namespace VaeGpu.Runner.Training;

/// <summary>One run of a sweep: its folder name, its settings, and the configuration they give.</summary>
public sealed record SweepRun(string Name, IReadOnlyList<(string Key, string Value)> Settings,
    RunConfig Config);

/// <summary>Parses grids and plan files and applies their settings to a base configuration.</summary>
public static class SweepPlan
{
    /// <summary>The keys a grid or plan may set, in the order they are applied.</summary>
    public static readonly string[] Keys =
    [
        "dataset", "preset", "model", "latent", "encoder", "decoder", "hidden", "depth", "encoder-depth",
        "activation", "recon", "beta", "kl-warmup", "optimizer", "lr", "batch", "epochs", "limit", "seed",
    ];

    /// <summary>Expands a grid into its runs' settings: every combination, the first key slowest.</summary>
    public static List<List<(string Key, string Value)>> ParseGrid(string grid)
    {
        var axes = new List<(string Key, string[] Values)>();
        const StringSplitOptions Trimmed =
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        foreach (string part in grid.Split(';', Trimmed))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new UserErrorException($"--grid: '{part}' is not KEY=V1,V2,... (e.g. latent=2,5,10)");
            string key = CheckKey("--grid", part[..eq].Trim());
            if (axes.Any(a => a.Key == key)) throw new UserErrorException($"--grid: '{key}' appears twice");
            var values = part[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries);
            if (values.Any(v => v.Length == 0))
                throw new UserErrorException($"--grid: '{part}' has an empty value");
            if (values.Distinct().Count() != values.Length)
                throw new UserErrorException($"--grid: '{part}' repeats a value");
            axes.Add((key, values));
        }
        if (axes.Count == 0)
            throw new UserErrorException("--grid: expected KEY=V1,V2;KEY2=... with at least one key");
        var runs = new List<List<(string, string)>> { new() };
        foreach (var (key, values) in axes)
            runs = runs.SelectMany(run => values.Select(v => new List<(string, string)>(run) { (key, v) }))
                .ToList();
        return runs;
    }

    /// <summary>Reads a plan file: one run per line as KEY=VALUE pairs separated by spaces.</summary>
    public static List<List<(string Key, string Value)>> ParsePlan(string path, string text)
    {
        var runs = new List<List<(string, string)>>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Split('#')[0].Trim();
            if (line.Length == 0) continue;
            var run = new List<(string, string)>();
            foreach (string pair in line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string where = $"{path}:{i + 1}";
                if (eq <= 0 || eq == pair.Length - 1)
                    throw new UserErrorException($"{where}: '{pair}' is not KEY=VALUE (e.g. latent=2)");
                string key = CheckKey(where, pair[..eq]);
                if (run.Any(s => s.Item1 == key))
                    throw new UserErrorException($"{where}: '{key}' appears twice");
                run.Add((key, pair[(eq + 1)..]));
            }
            runs.Add(run);
        }
        if (runs.Count == 0)
            throw new UserErrorException($"{path}: no runs (expected lines such as 'latent=2 beta=1')");
        return runs;
    }

    /// <summary>Builds and checks every run; names come from the settings ("latent-2_beta-0.5").</summary>
    public static List<SweepRun> Build(RunConfig baseConfig, List<List<(string Key, string Value)>> settings)
    {
        var runs = new List<SweepRun>();
        foreach (var run in settings)
        {
            string name = Name(run);
            RunConfig config;
            try
            {
                config = Apply(baseConfig, run);
                TrainOptions.Validate(config);
            }
            catch (UserErrorException e)
            {
                throw new UserErrorException($"sweep run '{name}': {e.Message}");
            }
            if (runs.Any(r => r.Name == name))
                throw new UserErrorException($"sweep: two runs are both named '{name}'");
            runs.Add(new SweepRun(name, run, config));
        }
        return runs;
    }

    /// <summary>The folder name of a run's settings; "base" when it has none.</summary>
    public static string Name(IReadOnlyList<(string Key, string Value)> settings) => settings.Count == 0
        ? "base"
        : string.Join("_", settings.Select(s => $"{s.Key}-{Sanitize(s.Value)}"));

    /// <summary>Applies settings to a configuration: dataset and preset first, then the rest,
    /// hidden/depth last.</summary>
    public static RunConfig Apply(RunConfig config, IReadOnlyList<(string Key, string Value)> settings)
    {
        var byKey = settings.ToDictionary(s => s.Key, s => s.Value);
        foreach (string key in Keys)
        {
            if (!byKey.TryGetValue(key, out string? value)) continue;
            config = key switch
            {
                "dataset" => WithDataset(config, Choice(key, value, "mnist", "usps", "fashion-mnist")),
                "preset" => TrainOptions.ApplyPreset(config, value),
                "model" => config with { Model = Choice(key, value, "vae", "cvae", "ae") },
                "latent" => config with { Latent = Int(key, value) },
                "encoder" => config with { Encoder = Sizes(key, value) },
                "decoder" => config with { Decoder = Sizes(key, value) },
                "hidden" => config with
                {
                    Encoder = Repeat(Int(key, value), config.Encoder.Length),
                    Decoder = Repeat(Int(key, value), config.Decoder.Length),
                },
                "depth" => config with
                {
                    Encoder = Repeat(config.Encoder[0], Int(key, value)),
                    Decoder = Repeat(config.Decoder[^1], Int(key, value)),
                },
                "encoder-depth" => config with { Encoder = Repeat(config.Encoder[0], Int(key, value)) },
                "activation" => config with { Activation = Choice(key, value, "relu", "leaky-relu", "tanh") },
                "recon" => config with { Recon = Choice(key, value, "bce", "mse") },
                "beta" => config with { Beta = Number(key, value) },
                "kl-warmup" => config with { KlWarmup = Int(key, value) },
                "optimizer" => config with
                {
                    Optimizer = Choice(key, value, "adam", "sgd", "rmsprop", "adagrad"),
                },
                "lr" => config with { Lr = Number(key, value) },
                "batch" => config with { BatchSize = Int(key, value) },
                "epochs" => config with { Epochs = Int(key, value) },
                "limit" => config with { Limit = Int(key, value) },
                "seed" => config with
                {
                    Seed = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s)
                        ? s : throw Bad(key, value, "a non-negative integer"),
                },
                _ => throw new InvalidOperationException($"sweep key '{key}' has no rule"),
            };
        }
        return config;
    }

    private static RunConfig WithDataset(RunConfig config, string dataset)
    {
        var (width, height) = TrainOptions.DatasetShape(dataset);
        return config with
        {
            Dataset = dataset, InputDim = width * height, ImageWidth = width, ImageHeight = height,
        };
    }

    private static string CheckKey(string where, string key) => Keys.Contains(key)
        ? key
        : throw new UserErrorException(
            $"{where}: unknown key '{key}'; expected one of {string.Join(", ", Keys)}");

    private static string Choice(string key, string value, params string[] allowed) => allowed.Contains(value)
        ? value
        : throw Bad(key, value, string.Join(", ", allowed));

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw Bad(key, value, "a positive integer");

    private static double Number(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.IsFinite(x) ? x : throw Bad(key, value, "a number");

    /// <summary>Layer sizes inside one grid value are separated by ':' (commas separate values).</summary>
    private static int[] Sizes(string key, string value) =>
        value.Split(':').Select(part => Int(key, part)).ToArray();

    private static int[] Repeat(int size, int count) => Enumerable.Repeat(size, count).ToArray();

    private static string Sanitize(string value) =>
        new(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : c == ':' ? 'x' : '_')
            .ToArray());

    private static UserErrorException Bad(string key, string value, string expected) =>
        new($"{key}={value}: expected {expected}");
}
