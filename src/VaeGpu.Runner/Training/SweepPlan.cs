// What a sweep runs: a grid ("latent=2,5;beta=0.5,1": every combination, first key slowest) or a plan
// file (one run per line, "latent=2 beta=0.5", # comments), each run a list of settings applied to
// the base configuration the sweep's own training options give. Every run is built and checked before
// the first one trains, so a typo in the last cell fails in a second, not after an hour.
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>One run of a sweep: its folder name, its settings, and the configuration they give.</summary>
public sealed record SweepRun(string Name, IReadOnlyList<(string Key, string Value)> Settings,
    RunConfig Config);

/// <summary>Parses grids and plan files and applies their settings to a base configuration.</summary>
public static class SweepPlan
{
    /// <summary>The keys a grid or plan may set, in the order they are applied.</summary>
    public static readonly string[] Keys = [.. SettingsTable.All.Where(s => s.Sweepable).Select(s => s.Name)];

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
            if (axes.Any(a => SettingsTable.Find(a.Key) == SettingsTable.Find(key)))
                throw new UserErrorException($"--grid: '{key}' appears twice");
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
                if (run.Any(s => SettingsTable.Find(s.Item1) == SettingsTable.Find(key)))
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
                config.Validate();
                // As on the command line: a setting the run's model does not have is refused, not ignored
                // (a grid model=vae,gan;latent=2,20 would train the same GAN twice).
                foreach (var (key, _) in run)
                    if (SettingsTable.ScopeError(SettingsTable.Find(key)!, config) is { } scope)
                        throw new UserErrorException(scope);
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

    /// <summary>Applies settings to a configuration in the table's order (dataset and preset first,
    /// hidden and the depths after the layer lists).</summary>
    public static RunConfig Apply(RunConfig config, IReadOnlyList<(string Key, string Value)> settings)
    {
        var bySetting = settings.ToDictionary(s => SettingsTable.Find(s.Key)!, s => s);
        foreach (var setting in SettingsTable.All)
            if (bySetting.TryGetValue(setting, out var given))
                config = setting.Apply(config, given.Value, $"{given.Key}={given.Value}");
        return config;
    }

    private static string CheckKey(string where, string key) =>
        SettingsTable.Find(key) is { Sweepable: true } ? key
        : throw new UserErrorException(
            $"{where}: unknown key '{key}'; expected one of {string.Join(", ", Keys)}");

    private static string Sanitize(string value) =>
        new(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : c == ':' ? 'x' : '_')
            .ToArray());
}
