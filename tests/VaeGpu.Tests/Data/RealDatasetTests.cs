// Reads the real MNIST and USPS files and checks what ../shared/datasets/README.md lists: counts,
// shapes, first labels, class histograms and checksums, plus pixel statistics and a first-images
// comparison against a plain parse written here, so a reader that mangles pixels cannot pass.
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using ICSharpCode.SharpZipLib.BZip2;
using VaeGpu.Runner.Data;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Data;

public sealed class RealDatasetTests(ITestOutputHelper output)
{
    [DataFact("mnist")]
    public void Mnist_CountsShapesAndFirstLabels()
    {
        Dataset mnist = TestData.Mnist;
        Assert.Equal("mnist", mnist.Name);
        AssertSplit(mnist.Train, 60_000, 28, 28, 10);
        AssertSplit(mnist.Test, 10_000, 28, 28, 10);
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], mnist.Train.Labels[..10]);
        Assert.Equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9], mnist.Test.Labels[..10]);
    }

    [DataFact("mnist")]
    public void Mnist_ClassHistogramsAndPixelMean()
    {
        Dataset mnist = TestData.Mnist;
        // The well-known per-digit counts of MNIST's training and test sets.
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], Histogram(mnist.Train));
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], Histogram(mnist.Test));
        // MNIST's training pixel mean is 0.1307 of full scale (the constant every tutorial normalises by).
        double mean = mnist.Train.Images.Select(pixel => (double)pixel).Average() / 255.0;
        output.WriteLine($"MNIST train pixel mean {mean:F5}");
        Assert.InRange(mean, 0.1302, 0.1312);
    }

    [DataTheory("mnist")]
    [InlineData("train-images-idx3-ubyte.gz", 47_040_016L,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")]
    [InlineData("train-labels-idx1-ubyte.gz", 60_008L,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")]
    [InlineData("t10k-images-idx3-ubyte.gz", 7_840_016L,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")]
    [InlineData("t10k-labels-idx1-ubyte.gz", 10_008L,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")]
    public void Mnist_DecompressedFilesMatchReadmeChecksums(string fileName, long size, string sha256)
    {
        string path = Path.Combine(TestData.Folder("mnist"), fileName);
        if (!File.Exists(path))
            path = path[..^3]; // the fetcher may have found them uncompressed
        byte[] content = File.ReadAllBytes(path);
        if (content.Length >= 2 && content[0] == 0x1F && content[1] == 0x8B)
        {
            using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            content = plain.ToArray();
        }
        Assert.Equal(size, content.LongLength);
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    [DataFact("usps")]
    public void Usps_CountsShapesFirstLabelsAndHistograms()
    {
        Dataset usps = TestData.Usps;
        AssertSplit(usps.Train, 7_291, 16, 16, 10);
        AssertSplit(usps.Test, 2_007, 16, 16, 10);
        Assert.Equal([6, 5, 4, 7, 3, 6, 3, 1, 0, 1], usps.Train.Labels[..10]);
        Assert.Equal([1194, 1005, 731, 658, 652, 556, 664, 645, 542, 644], Histogram(usps.Train));
        Assert.Equal([359, 264, 198, 166, 200, 160, 170, 147, 166, 177], Histogram(usps.Test));
    }

    [DataTheory("usps")]
    [InlineData("usps.bz2", true)]
    [InlineData("usps.t.bz2", false)]
    public void Usps_FirstImagesMatchPlainParse(string fileName, bool train)
    {
        // An independent parse of the text: split on spaces, map v -> round((v + 1) * 127.5).
        // Only the first lines are decoded, so this stays cheap (bzip2 decoding is the slow part).
        const int Lines = 5;
        string[] lines = FirstLinesOfBzip2(Path.Combine(TestData.Folder("usps"), fileName), Lines);
        DataSplit split = train ? TestData.Usps.Train : TestData.Usps.Test;
        for (int image = 0; image < Lines; image++)
        {
            string[] tokens = lines[image].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(int.Parse(tokens[0], CultureInfo.InvariantCulture) - 1, split.Labels[image]);
            var expected = new byte[256];
            Array.Fill(expected, (byte)128);
            foreach (string token in tokens.Skip(1))
            {
                string[] pair = token.Split(':');
                double value = double.Parse(pair[1], CultureInfo.InvariantCulture);
                expected[int.Parse(pair[0], CultureInfo.InvariantCulture) - 1] =
                    (byte)Math.Round((value + 1.0) * 127.5, MidpointRounding.AwayFromZero);
            }
            byte[] actual = split.Images.AsSpan(image * 256, 256).ToArray();
            int bad = FirstDifference(expected, actual);
            Assert.True(bad < 0, $"{fileName} image {image}: first difference at pixel {bad}: "
                + $"expected {(bad < 0 ? 0 : expected[bad])}, got {(bad < 0 ? 0 : actual[bad])}");
        }
        Assert.Contains((byte)0, split.Images);
        Assert.Contains((byte)255, split.Images);
    }

    [DataTheory("usps")]
    [InlineData("usps.bz2", "17dda8723042004b3fe6512c8769022bf7cec5322be1fb98a623d5de13b70666",
        "ec16c51db3855ca6c91edd34d0e9b197")]
    [InlineData("usps.t.bz2", "22bb89593ed8a6c80fbd69e16bc34c935f462e7c8531a812fc3d2a141d17c298",
        "8ea070ee2aca1ac39742fdd1ef5ed118")]
    public void Usps_FilesMatchSharedOrCanonicalChecksums(
        string fileName, string sharedSha256, string canonicalMd5)
    {
        // ../shared holds a re-encoding (README's SHA-256); a downloaded copy is LIBSVM's own (its MD5).
        byte[] stored = File.ReadAllBytes(Path.Combine(TestData.Folder("usps"), fileName));
        string sha = Convert.ToHexStringLower(SHA256.HashData(stored));
        string md5 = Convert.ToHexStringLower(MD5.HashData(stored));
        output.WriteLine($"{fileName}: SHA-256 {sha}, MD5 {md5}");
        Assert.True(sha == sharedSha256 || md5 == canonicalMd5,
            $"{fileName}: SHA-256 {sha} (shared copy: {sharedSha256}), "
            + $"MD5 {md5} (canonical: {canonicalMd5})");
    }

    internal static int[] Histogram(DataSplit split)
    {
        var counts = new int[split.Classes];
        foreach (byte label in split.Labels)
            counts[label]++;
        return counts;
    }

    private static void AssertSplit(DataSplit split, int count, int width, int height, int classes)
    {
        Assert.Equal(count, split.Count);
        Assert.Equal(width, split.Width);
        Assert.Equal(height, split.Height);
        Assert.Equal(classes, split.Classes);
        Assert.Equal(width * height, split.ImageSize);
        Assert.Equal((long)count * width * height, split.Images.LongLength);
        Assert.Equal(count, split.Labels.Length);
    }

    private static int FirstDifference(byte[] expected, byte[] actual)
    {
        for (int index = 0; index < expected.Length; index++)
        {
            if (expected[index] != actual[index])
                return index;
        }
        return -1;
    }

    private static string[] FirstLinesOfBzip2(string path, int count)
    {
        using var input = new BZip2InputStream(File.OpenRead(path));
        using var reader = new StreamReader(input);
        var lines = new string[count];
        for (int line = 0; line < count; line++)
            lines[line] = reader.ReadLine() ?? throw new InvalidDataException($"{path}: only {line} lines");
        return lines;
    }
}
