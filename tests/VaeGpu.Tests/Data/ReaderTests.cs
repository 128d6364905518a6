// Readers on small, freshly random inputs: IDX round trips (gzip and raw, awkward sizes), the LIBSVM
// value mapping against a float64 reference, sparse lines, CRLF and tabs; plus the catalog, the
// loader's not-found message and the data folder's resolution order.
using System.Globalization;
using VaeGpu.Runner.Data;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Data;

public sealed class ReaderTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1, 1, false)]
    [InlineData(7, 13, 5, true)]
    [InlineData(31, 28, 28, true)]
    [InlineData(2, 3, 17, false)]
    public void Idx_RoundTripsRandomImagesAndLabels(int count, int rows, int cols, bool gzip)
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        byte[] images = DataFiles.Images(count, rows, cols, random, out byte[] pixels);
        byte[] labels = Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
        using var temp = new TempFolder();
        string imagePath = temp.Write("i", gzip ? DataFiles.Gzip(images) : images);
        byte[] labelFile = DataFiles.Labels(labels);
        string labelPath = temp.Write("l", gzip ? DataFiles.Gzip(labelFile) : labelFile);
        IdxImages read = IdxReader.ReadImages(imagePath);
        Assert.Equal((count, rows, cols), (read.Count, read.Rows, read.Cols));
        Assert.Equal(pixels, read.Pixels);
        Assert.Equal(labels, IdxReader.ReadLabels(labelPath, 10));
    }

    [Fact]
    public void LibSvm_MapsValuesLikeFloat64Reference()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        const int Features = 256, Lines = 37;
        var values = new double[Lines][];
        var text = new System.Text.StringBuilder();
        var labels = new byte[Lines];
        for (int line = 0; line < Lines; line++)
        {
            // Three decimals as USPS ships them, with the extremes -1 and 1 forced in.
            values[line] = Enumerable.Range(0, Features)
                .Select(_ => Math.Round(random.NextDouble() * 2 - 1, 3)).ToArray();
            values[line][0] = -1;
            values[line][Features - 1] = 1;
            labels[line] = (byte)random.Next(10);
            text.Append(DataFiles.LibSvmLine(labels[line] + 1, values[line]));
            text.Append(line % 3 == 0 ? "\r\n" : "\n");
        }
        LibSvmData data = LibSvmReader.Parse("random", DataFiles.Ascii(text.ToString()), Features, 10);
        Assert.Equal(Lines, data.Count);
        Assert.Equal(labels, data.Labels);
        for (int line = 0; line < Lines; line++)
        {
            for (int feature = 0; feature < Features; feature++)
            {
                double value = values[line][feature];
                double reference = Math.Round((value + 1) * 255 / 2, MidpointRounding.AwayFromZero);
                byte actual = data.Pixels[line * Features + feature];
                Assert.True(actual == reference,
                    $"line {line} feature {feature}: value {value}, expected {reference}, got {actual}");
            }
        }
        Assert.Equal(0, data.Pixels[0]);
        Assert.Equal(255, data.Pixels[Features - 1]);
    }

    [Fact]
    public void LibSvm_OmittedFeaturesAreZeroBlankLinesSkippedAndLabelsLike7Point0Work()
    {
        byte[] text = DataFiles.Ascii("7.0\t2:-1  4:1\n\n\t \t\r\n1 1:0.5\n");
        LibSvmData data = LibSvmReader.Parse("sparse", text, 4, 10);
        Assert.Equal([6, 0], data.Labels);
        // Omitted -> 0.0 -> round(127.5) = 128; 0.5 -> round(191.25) = 191.
        Assert.Equal([128, 0, 128, 255, 191, 128, 128, 128], data.Pixels);
    }

    [Fact]
    public void LibSvm_ReadsBzip2AndRawAlike()
    {
        using var temp = new TempFolder();
        string line = DataFiles.LibSvmLine(3, [-1, 0.25, 1, -0.5]) + "\n";
        string raw = temp.Write("raw", DataFiles.Ascii(line));
        using (var file = File.Create(Path.Combine(temp.Path, "packed.bz2")))
        using (var bzip2 = new ICSharpCode.SharpZipLib.BZip2.BZip2OutputStream(file))
            bzip2.Write(DataFiles.Ascii(line));
        LibSvmData fromRaw = LibSvmReader.Read(raw, 4, 10);
        LibSvmData fromBzip2 = LibSvmReader.Read(Path.Combine(temp.Path, "packed.bz2"), 4, 10);
        Assert.Equal([0, 159, 255, 64], fromRaw.Pixels);
        Assert.Equal(fromRaw.Pixels, fromBzip2.Pixels);
        Assert.Equal(fromRaw.Labels, fromBzip2.Labels);
    }

    [Fact]
    public void Catalog_UnknownNameListsKnownOnes()
    {
        var error = Assert.Throws<DataException>(() => DatasetCatalog.Get("cifar10"));
        Assert.Equal("unknown dataset 'cifar10'; expected one of: mnist, fashion-mnist, usps.",
            error.Message);
        Assert.Same(DatasetCatalog.FashionMnist, DatasetCatalog.Get(" Fashion-MNIST "));
    }

    [Fact]
    public void Loader_MissingDatasetSaysWhereItLookedAndWhatToDo()
    {
        using var temp = new TempFolder();
        var error = Assert.Throws<DataException>(() => DatasetLoader.Load("usps", temp.Path));
        output.WriteLine(error.Message);
        Assert.Contains($"dataset 'usps' not found: looked in {Path.Combine(temp.Path, "usps")}",
            error.Message);
        Assert.Contains("usps.bz2, usps.t.bz2", error.Message);
        Assert.Contains("VaeGpu.Runner data fetch usps", error.Message);
    }

    [Fact]
    public void DataDirectory_OptionThenEnvironmentThenDefault()
    {
        string? saved = Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, "/tmp/from-env");
            Assert.Equal("/tmp/from-option", DataDirectory.Resolve("/tmp/from-option"));
            Assert.Equal("/tmp/from-env", DataDirectory.Resolve(null));
            Assert.Equal(Path.GetFullPath("relative"), DataDirectory.Resolve("relative"));
            Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, null);
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, "data"), DataDirectory.Resolve("~/data"));
            // Issue 19 item 1: a blank --data-dir is a mistake, not "use the default".
            var blank = Assert.Throws<VaeGpu.Runner.Training.UserErrorException>(
                () => DataDirectory.Resolve(" "));
            Assert.Contains("--data-dir: expected a path", blank.Message);
            Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, " ");
            Assert.Equal(DataDirectory.DefaultCache(), DataDirectory.Resolve(null));
            Assert.EndsWith(Path.Combine("vaegpu", "datasets"), DataDirectory.DefaultCache());
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataDirectory.EnvironmentVariable, saved);
        }
    }

    [DataFact("fashion-mnist")]
    public void FashionMnist_CountsAndBalancedClasses()
    {
        Dataset fashion = TestData.FashionMnist;
        Assert.Equal((60_000, 10_000), (fashion.Train.Count, fashion.Test.Count));
        Assert.Equal((28, 28), (fashion.Train.Width, fashion.Train.Height));
        Assert.All(RealDatasetTests.Histogram(fashion.Train), count => Assert.Equal(6_000, count));
        Assert.All(RealDatasetTests.Histogram(fashion.Test), count => Assert.Equal(1_000, count));
        string first = string.Join(' ',
            fashion.Train.Labels[..10].Select(label => label.ToString(CultureInfo.InvariantCulture)));
        output.WriteLine($"first training labels {first}");
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], fashion.Train.Labels[..10]);
    }
}
