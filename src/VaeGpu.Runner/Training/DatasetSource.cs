// Where a command finds its dataset: --data-dir when given (fetching what is missing), else the folder a
// run recorded in config.json (resume, eval and sample of a run trained with --data-dir D need not be
// told D again), else $VAEGPU_DATA or the cache. A recorded folder that lost its files is one error
// naming both places looked in, rather than a download attempt.
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.Training;

/// <summary>Finds and loads a run's dataset.</summary>
public static class DatasetSource
{
    /// <summary>Loads <paramref name="name"/>; returns it with the absolute folder its files came
    /// from.</summary>
    public static (Dataset Data, string Folder) Load(IRunnerConsole console, string name,
        string? dataDirOption, string? recordedFolder, bool quiet)
    {
        ArgumentNullException.ThrowIfNull(console);
        PathOptions.Optional(dataDirOption, "--data-dir");
        var info = DatasetCatalog.Get(name);
        string folder;
        if (dataDirOption is null && recordedFolder is not null)
        {
            string fallback = DataDirectory.Resolve(null);
            folder = (HasFiles(info, recordedFolder) ? recordedFolder : null)
                ?? DatasetLoader.Locate(info, fallback)
                ?? throw new DataException($"dataset '{name}' not found: the run was trained from " +
                    $"{recordedFolder} (recorded in its config.json), which no longer holds " +
                    $"{string.Join(", ", info.Files.Select(f => f.FileName))}, and it is not in " +
                    $"{Path.Combine(fallback, info.Folder)} either; pass --data-dir DIR");
        }
        else
        {
            string dir = DataDirectory.Resolve(dataDirOption);
            folder = DatasetLoader.Locate(info, dir) ?? console.Fetch(name, dir, quiet).Folder;
        }
        folder = Path.GetFullPath(folder);
        return (DatasetLoader.LoadFrom(info, folder), folder);
    }

    private static bool HasFiles(DatasetInfo info, string folder) =>
        info.Files.All(file => DatasetLoader.FindFile(folder, file) is not null);
}
