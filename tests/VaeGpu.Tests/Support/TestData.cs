// Real datasets for tests, parsed once per test run. They come from ../shared/datasets beside the
// repository's checkout where it exists, else through the project's own fetcher into the default
// cache (~/.cache/vaegpu/datasets or $VAEGPU_DATA), as on a user's fresh clone. Tests that need data
// which cannot be had use [DataFact("mnist")] / [DataTheory("usps")], which skip with the reason.
using VaeGpu.Runner.Data;

namespace VaeGpu.Tests.Support;

/// <summary>Locates and caches the real datasets for tests.</summary>
internal static class TestData
{
    private static readonly Lazy<string?> SharedFolder = new(FindSharedDatasets);
    private static readonly Dictionary<string, Lazy<Located>> Locations = new(StringComparer.Ordinal)
    {
        ["mnist"] = new(() => Locate("mnist")),
        ["usps"] = new(() => Locate("usps")),
        ["fashion-mnist"] = new(() => Locate("fashion-mnist")),
    };
    private static readonly Dictionary<string, Lazy<Dataset>> Parsed = new(StringComparer.Ordinal)
    {
        ["mnist"] = new(() => LoadLocated("mnist")),
        ["usps"] = new(() => LoadLocated("usps")),
        ["fashion-mnist"] = new(() => LoadLocated("fashion-mnist")),
    };

    /// <summary>Full path of ../shared/datasets beside the repository root, or null.</summary>
    public static string? SharedDatasets => SharedFolder.Value;

    /// <summary>MNIST, parsed once per test run.</summary>
    public static Dataset Mnist => Get("mnist");

    /// <summary>USPS, parsed once per test run.</summary>
    public static Dataset Usps => Get("usps");

    /// <summary>Fashion-MNIST (Debian's package or the data folder), parsed once per test run.</summary>
    public static Dataset FashionMnist => Get("fashion-mnist");

    /// <summary>The parsed dataset <paramref name="name"/>; throws with the reason if unavailable.</summary>
    public static Dataset Get(string name) => Parsed[name].Value;

    /// <summary>The folder with <paramref name="name"/>'s raw files (shared, cache or install).</summary>
    public static string Folder(string name) =>
        Locations[name].Value.Folder
        ?? throw new InvalidOperationException($"dataset {name} is unavailable: {UnavailableReason(name)}");

    /// <summary>Why dataset <paramref name="name"/> cannot be had, or null when it can.</summary>
    public static string? UnavailableReason(string name) => Locations[name].Value.Reason;

    private static Dataset LoadLocated(string name) =>
        DatasetLoader.LoadFrom(DatasetCatalog.Get(name), Folder(name));

    private static Located Locate(string name)
    {
        DatasetInfo info = DatasetCatalog.Get(name);
        if (SharedDatasets is not null)
        {
            string? shared = DatasetLoader.Locate(info, SharedDatasets);
            if (shared is not null)
                return new Located(shared, null);
        }
        string cache = DataDirectory.Resolve(null);
        try
        {
            return new Located(DataFetcher.Ensure(name, cache).Folder, null);
        }
        catch (DataException e)
        {
            string where = SharedDatasets is null ? "no ../shared/datasets beside the checkout" :
                $"not in {SharedDatasets}";
            return new Located(null, $"{name} cannot be had ({where}); {e.Message}");
        }
    }

    private static string? FindSharedDatasets()
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        for (DirectoryInfo? folder = start; folder is not null; folder = folder.Parent)
        {
            if (!File.Exists(Path.Combine(folder.FullName, "VaeGpu.sln")))
                continue;
            string shared = Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "datasets"));
            return Directory.Exists(shared) ? shared : null;
        }
        return null;
    }

    private sealed record Located(string? Folder, string? Reason);
}

/// <summary>A fact that needs a real dataset; skipped, with the reason, where it cannot be had.</summary>
internal sealed class DataFactAttribute : FactAttribute
{
    public DataFactAttribute(string dataset)
    {
        string? reason = TestData.UnavailableReason(dataset);
        if (reason is not null)
            Skip = reason;
    }
}

/// <summary>A theory that needs a real dataset; skipped, with the reason, where it cannot be had.</summary>
internal sealed class DataTheoryAttribute : TheoryAttribute
{
    public DataTheoryAttribute(string dataset)
    {
        string? reason = TestData.UnavailableReason(dataset);
        if (reason is not null)
            Skip = reason;
    }
}
