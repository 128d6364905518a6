// The NVRTC library search, checked on a fake CUDA tree: every libnvrtc.so* of CUDA_PATH, CUDA_HOME
// and LD_LIBRARY_PATH is tried, newest version first, the -builtins helper never, and a file that is
// not a loadable library is reported with its path rather than crashing the probe.
using VaeGpu.Kernels.Cuda;

namespace VaeGpu.Tests.Cuda;

public sealed class NvrtcSearchTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("vaegpu-nvrtc-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Touch(string folder, string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.FullName, folder));
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, "not an ELF file");
        return path;
    }

    [Fact]
    public void SearchesToolkitAndLibraryPathsNewestFirst()
    {
        if (OperatingSystem.IsWindows()) return; // the fake tree uses Linux names
        var old = Touch("cuda/lib64", "libnvrtc.so.11.8");
        var newest = Touch("cuda/lib64", "libnvrtc.so.12.4.99");
        var middle = Touch("cuda/lib64", "libnvrtc.so.12.2");
        Touch("cuda/lib64", "libnvrtc-builtins.so.12.4");
        var fromLdPath = Touch("extra", "libnvrtc.so.12");
        var env = new Dictionary<string, string?>
        {
            ["CUDA_PATH"] = Path.Combine(_root.FullName, "cuda"),
            ["LD_LIBRARY_PATH"] = $"{Path.Combine(_root.FullName, "missing")}::{Path.Combine(_root.FullName, "extra")}",
        };
        var candidates = NvrtcApi.Candidates(name => env.GetValueOrDefault(name));

        Assert.Equal(new[] { newest, middle, old, fromLdPath }, candidates.Take(4));
        Assert.DoesNotContain(candidates, c => c.Contains("builtins"));
        Assert.Equal("libnvrtc.so", candidates[^1]); // the OS search comes last
    }

    [Theory]
    [InlineData("libnvrtc.so.12.4.99", "libnvrtc.so.12.4")]
    [InlineData("libnvrtc.so.12", "libnvrtc.so.11.8.89")]
    [InlineData("libnvrtc.so.12.10", "libnvrtc.so.12.9")]
    [InlineData("libnvrtc.so.12.0", "libnvrtc.so")]
    public void VersionOrder(string newer, string older) =>
        Assert.True(NvrtcApi.VersionKey(newer) > NvrtcApi.VersionKey(older), $"{newer} should sort before {older}");

    [Fact]
    public void UnloadableCandidatesAreReportedByPath()
    {
        var fake = Touch("broken", "libnvrtc.so.12");
        var result = NativeLoaderFor(fake, "libvaegpu-does-not-exist.so");
        Assert.False(result.IsLoaded);
        Assert.Contains(fake, result.Error);
        Assert.Contains("libvaegpu-does-not-exist.so", result.Error);
    }

    private static NativeLoader NativeLoaderFor(params string[] candidates) => NativeLoader.Load(candidates);
}
