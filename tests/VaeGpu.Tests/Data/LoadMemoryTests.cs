// Guards the memory of loading and training on MNIST: the IDX reader allocates the decoded pixels
// once (no header-stripping copy), and a device split keeps no host copy of the pixels it uploaded.
// Together these took the default run's peak RSS from 288 MB to about 180 MB.
using VaeGpu.Kernels.Cpu;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Data;

public sealed class LoadMemoryTests(ITestOutputHelper output)
{
    [DataFact("mnist")]
    public void ReadImages_AllocatesThePixelsOnce()
    {
        string path = DatasetLoader.FindFile(TestData.Folder("mnist"),
            DatasetCatalog.Get("mnist").Files[0])!;
        IdxReader.ReadImages(path); // warm up: JIT and the decoder's own one-time tables
        long stored = new FileInfo(path).Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxImages images = IdxReader.ReadImages(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long pixels = images.Pixels.LongLength;
        output.WriteLine($"allocated {allocated:N0} bytes for {pixels:N0} pixels ({stored:N0} stored)");
        Assert.Equal(60_000L * 28 * 28, pixels);
        // The file's bytes, the pixels, and small change; a second pixel copy would add 47 MB.
        Assert.InRange(allocated, pixels, stored + pixels + pixels / 10);
    }

    [Fact]
    public void DeviceSplit_KeepsLabelsButNotThePixels()
    {
        var random = new Random();
        int count = 37, width = 5, height = 3;
        var split = new DataSplit(RandomBytes(random, count * width * height),
            [.. Enumerable.Range(0, count).Select(i => (byte)random.Next(10))], count, width, height, 10);
        using var acc = new CpuAccelerator();
        using var device = new DeviceSplit(acc, split, count, maxBatch: 8, oneHotClasses: 0);
        Assert.Empty(device.Split.Images);
        Assert.Equal(split.Labels, device.Split.Labels);
        Assert.Equal(split.ImageSize, device.Split.ImageSize);
        // The dropped copy is a view: the caller's split still holds its pixels (a sweep reuses them).
        Assert.Equal(count * width * height, split.Images.Length);
        Assert.Empty(new Dataset("d", split, split).WithoutImages().Train.Images);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
