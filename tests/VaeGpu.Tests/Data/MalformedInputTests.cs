// The malformed-input table: each case writes a broken file to a temp folder, reads it through the
// public readers, and asserts the DataException names the file and says the specific problem and
// what was expected. A reader that crashes, accepts the input or gives a vague message fails.
using ICSharpCode.SharpZipLib.BZip2;
using VaeGpu.Runner.Data;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Data;

public sealed class MalformedInputTests(ITestOutputHelper output)
{
    private const int Features = 256;

    // A small IDX dataset shaped like MNIST's layout: 3 training and 2 test images of 5 rows x 4 cols.
    private static readonly DatasetInfo Tiny = new(
        "tiny", DatasetFormat.Idx, 4, 5, 10, 3, 2, DatasetCatalog.Mnist.Files, [], []);

    private sealed record Case(Func<TempFolder, (string Path, Action Read)> Arrange, string[] Expected);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["idx empty file"] = Images([], "the file is empty", "expected dataset content"),
        ["idx wrong magic"] = Images(
            DataFiles.Idx(0x08, [1, 2, 2], new byte[4], first: 0x12, second: 0x34),
            "wrong magic number 0x12340803", "not an IDX file", "expected 0x00000803"),
        ["idx wrong element type"] = Images(DataFiles.Idx(0x0D, [1, 2, 2], new byte[16]),
            "element type 0x0D is not supported", "expected 0x08 (unsigned byte)"),
        ["idx wrong dimension count"] = Images(DataFiles.Labels([1, 2, 3]),
            "wrong dimension count 1", "expected 3 (count, rows, cols)"),
        ["idx labels with 3 dimensions"] = Labels(DataFiles.Idx(0x08, [1, 2, 2], new byte[4]),
            "wrong dimension count 3", "expected 1 (count)"),
        ["idx truncated header"] = Images(DataFiles.Idx(0x08, [3, 5, 4], [])[..9],
            "truncated IDX header (9 bytes)", "expected 16 bytes of header"),
        ["idx truncated data"] = Images(DataFiles.Idx(0x08, [3, 5, 4], new byte[59]),
            "truncated data", "3 x 5 x 4 images (60 bytes)", "only 59 bytes follow"),
        ["idx trailing bytes"] = Images(DataFiles.Idx(0x08, [1, 2, 2], new byte[5]),
            "1 unexpected bytes after the data", "1 x 2 x 2 images (4 bytes)"),
        ["idx labels trailing bytes"] = Labels(DataFiles.Idx(0x08, [2], new byte[3]),
            "1 unexpected bytes after the data", "expected the file to end there"),
        ["idx zero rows"] = Images(DataFiles.Idx(0x08, [3, 0, 4], []),
            "dimension 1 has size 0", "expected 1.."),
        ["idx label out of range"] = Labels(DataFiles.Labels([1, 2, 10]),
            "label 10 at index 2 is out of range", "expected 0..9"),
        ["idx image and label counts differ"] = new(Folder(trainImages: 3, trainLabels: 2),
            ["has 3 images but", "has 2 labels", "expected the same count in both"]),
        ["idx wrong image count for dataset"] = new(Folder(trainImages: 4, trainLabels: 4),
            ["4 images; expected 3 for tiny"]),
        ["idx wrong image size for dataset"] = new(Folder(3, 3, rows: 4, cols: 5),
            ["images are 4x5; expected 5x4 for tiny"]),
        ["missing file"] = new(temp => (Path.Combine(temp.Path, "nothing.gz"),
            () => IdxReader.ReadImages(Path.Combine(temp.Path, "nothing.gz"))), ["file not found"]),
        ["corrupt gzip"] = Images(CorruptGzip(), "corrupt gzip stream", "expected a complete gzip file"),
        ["gzip cut short"] = Images(CutGzip(), "truncated gzip stream", "expected a complete gzip file"),
        ["corrupt bzip2"] = LibSvm(DataFiles.Ascii("BZh91AY&SY this is not a bzip2 block at all"),
            "corrupt bzip2 stream", "expected a complete bzip2 file"),
        ["bzip2 cut short"] = LibSvm(CutBzip2(), "corrupt bzip2 stream", "expected a complete bzip2 file"),
        ["libsvm empty file"] = LibSvm([], "the file is empty"),
        ["libsvm only blank lines"] = LibSvm(DataFiles.Ascii("\n \n\t\n"),
            "no data lines", "expected LIBSVM text"),
        ["libsvm bad token"] = LibSvm(DataFiles.Ascii("3 1:0.5 2:0.25 oops 4:1\n"),
            "line 1: bad token 'oops'", "expected 'INDEX:VALUE'"),
        ["libsvm index not a number"] = LibSvm(DataFiles.Ascii("3 1:0\n3 x:0.5\n"),
            "line 2: bad token 'x:0.5'", "feature index is not an integer"),
        ["libsvm value not a number"] = LibSvm(DataFiles.Ascii("3 1:0\n\n3 1:0 2:abc\n"),
            "line 3: bad token '2:abc'", "value is not a number"),
        ["libsvm feature index 0"] = LibSvm(DataFiles.Ascii("3 0:0.5\n"),
            "line 1: feature index 0 is outside 1..256"),
        ["libsvm feature index 257"] = LibSvm(DataFiles.Ascii("3 1:0 257:0.5\n"),
            "line 1: feature index 257 is outside 1..256"),
        ["libsvm indices not increasing"] = LibSvm(DataFiles.Ascii("3 5:0 4:0.5\n"),
            "line 1: feature index 4 follows 5", "expected strictly increasing indices"),
        ["libsvm value above 1"] = LibSvm(DataFiles.Ascii("3 1:0 2:1.5\n"),
            "line 1: value 1.5 of feature 2 is outside [-1, 1]"),
        ["libsvm value below -1"] = LibSvm(DataFiles.Ascii("3 1:-1.001\n"),
            "line 1: value -1.001 of feature 1 is outside [-1, 1]"),
        ["libsvm label 0"] = LibSvm(DataFiles.Ascii("0 1:0\n"),
            "line 1: label 0 is out of range", "expected 1..10 (LABEL = class + 1)"),
        ["libsvm label 11"] = LibSvm(DataFiles.Ascii("1 1:0\n11 1:0\n"),
            "line 2: label 11 is out of range", "expected 1..10"),
        ["libsvm label not a number"] = LibSvm(DataFiles.Ascii("seven 1:0\n"),
            "line 1: bad label token 'seven'", "expected an integer 1..10"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Fact]
    public void Table_HasAtLeastFifteenCases() => Assert.True(Cases.Count >= 15, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MalformedInput_GivesSpecificMessage(string name)
    {
        using var temp = new TempFolder();
        (string path, Action read) = Cases[name].Arrange(temp);
        DataException error = Assert.Throws<DataException>(read);
        output.WriteLine(error.Message);
        Assert.Contains(path, error.Message);
        foreach (string expected in Cases[name].Expected)
            Assert.Contains(expected, error.Message);
    }

    private static Case Images(byte[] content, params string[] expected) =>
        new(temp => Arranged(temp.Write("images-idx3-ubyte.gz", content), IdxReader.ReadImages), expected);

    private static Case Labels(byte[] content, params string[] expected) =>
        new(temp => Arranged(temp.Write("labels", content), path => IdxReader.ReadLabels(path, 10)),
            expected);

    private static Case LibSvm(byte[] content, params string[] expected) =>
        new(temp => Arranged(temp.Write("usps.bz2", content),
                             path => LibSvmReader.Read(path, Features, 10)), expected);

    private static (string, Action) Arranged<T>(string path, Func<string, T> read) =>
        (path, () => read(path));

    // A tiny dataset folder whose train split is broken as asked; the test split is valid.
    private static Func<TempFolder, (string, Action)> Folder(
        int trainImages, int trainLabels, int rows = 5, int cols = 4) => temp =>
    {
        var random = new Random(trainImages * 31 + trainLabels);
        string images = temp.Write("tiny/train-images-idx3-ubyte.gz",
            DataFiles.Gzip(DataFiles.Images(trainImages, rows, cols, random, out _)));
        temp.Write("tiny/train-labels-idx1-ubyte.gz", DataFiles.Labels(new byte[trainLabels]));
        temp.Write("tiny/t10k-images-idx3-ubyte", DataFiles.Images(2, 5, 4, random, out _));
        temp.Write("tiny/t10k-labels-idx1-ubyte", DataFiles.Labels([0, 9]));
        return (images, () => DatasetLoader.LoadFrom(Tiny, Path.Combine(temp.Path, "tiny")));
    };

    private static byte[] CutGzip()
    {
        byte[] gzip = DataFiles.Gzip(DataFiles.Images(50, 28, 28, new Random(11), out _));
        return gzip[..(gzip.Length / 2)];
    }

    private static byte[] CutBzip2()
    {
        var random = new Random(13);
        var text = new System.Text.StringBuilder();
        for (int line = 0; line < 200; line++)
        {
            double[] values = new double[Features];
            for (int feature = 0; feature < Features; feature++)
                values[feature] = random.NextDouble() * 2 - 1;
            text.Append(DataFiles.LibSvmLine(random.Next(1, 11), values)).Append('\n');
        }
        using var packed = new MemoryStream();
        using (var bzip2 = new BZip2OutputStream(packed) { IsStreamOwner = false })
            bzip2.Write(DataFiles.Ascii(text.ToString()));
        byte[] all = packed.ToArray();
        return all[..(all.Length * 2 / 3)];
    }

    private static byte[] CorruptGzip()
    {
        byte[] gzip = DataFiles.Gzip(DataFiles.Images(50, 28, 28, new Random(7), out _));
        // Overwrite the middle of the deflate stream: the block structure or the CRC breaks.
        for (int index = gzip.Length / 3; index < gzip.Length / 3 + 64; index++)
            gzip[index] = 0xFF;
        return gzip;
    }
}
