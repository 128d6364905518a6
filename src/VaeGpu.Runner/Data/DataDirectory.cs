// Where datasets live: the --data-dir option, else $VAEGPU_DATA, else ~/.cache/vaegpu/datasets.
// Inside it each dataset has its own folder (mnist/, fashion-mnist/, usps/), as in ../shared/datasets.
namespace VaeGpu.Runner.Data;

/// <summary>Resolves the data folder from the command line, the environment or the default cache.</summary>
public static class DataDirectory
{
    /// <summary>The environment variable that names the data folder when no option is given.</summary>
    public const string EnvironmentVariable = "VAEGPU_DATA";

    /// <summary>Returns the full path of the data folder: <paramref name="option"/>, else $VAEGPU_DATA,
    /// else ~/.cache/vaegpu/datasets (the folder need not exist yet).</summary>
    public static string Resolve(string? option)
    {
        Training.PathOptions.Optional(option, "--data-dir"); // "" is a mistake, not "use the default"
        if (!string.IsNullOrWhiteSpace(option))
            return Path.GetFullPath(ExpandHome(option));
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return Path.GetFullPath(ExpandHome(fromEnvironment));
        return DefaultCache();
    }

    /// <summary>The default cache folder, ~/.cache/vaegpu/datasets (XDG_CACHE_HOME is honoured).</summary>
    public static string DefaultCache()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cacheRoot = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheRoot, "vaegpu", "datasets");
    }

    private static string ExpandHome(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return path.Length == 1 ? home : Path.Combine(home, path[2..]);
        }
        return path;
    }
}
