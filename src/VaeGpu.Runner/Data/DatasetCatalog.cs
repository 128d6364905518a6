// What the project knows about each dataset: folder name, file names, shape, counts, checksums,
// known local installs and download mirrors. Facts come from ../shared/datasets/README.md and the
// datasets' canonical distribution pages. Readers and the fetcher both work from this table.
namespace VaeGpu.Runner.Data;

/// <summary>The on-disk format of a dataset's files.</summary>
public enum DatasetFormat
{
    /// <summary>IDX image and label files (MNIST, Fashion-MNIST).</summary>
    Idx,

    /// <summary>LIBSVM text, one image a line (USPS).</summary>
    LibSvm,
}

/// <summary>One file of a dataset: its stored name and the checksums that verify it.</summary>
/// <param name="FileName">Name in the data folder, e.g. train-images-idx3-ubyte.gz.</param>
/// <param name="RawName">Name of the same content uncompressed, accepted in place of FileName.</param>
/// <param name="ContentSha256">SHA-256 (lower-case hex) of the decompressed content, or null.</param>
/// <param name="DownloadMd5">MD5 (lower-case hex) of the canonical download; checked on downloads.</param>
public sealed record DatasetFile(
    string FileName, string RawName, string? ContentSha256, string? DownloadMd5);

/// <summary>Everything the loader and fetcher need to know about one dataset.</summary>
public sealed record DatasetInfo(
    string Name,
    DatasetFormat Format,
    int Width,
    int Height,
    int Classes,
    int TrainCount,
    int TestCount,
    IReadOnlyList<DatasetFile> Files,
    IReadOnlyList<string> LocalInstalls,
    IReadOnlyList<string> Mirrors)
{
    /// <summary>The sub-folder of the data folder that holds this dataset (same as Name).</summary>
    public string Folder => Name;

    /// <summary>What one class is called in captions: "digit" for digit sets, "class" otherwise.</summary>
    public string ClassNoun { get; init; } = "digit";

    /// <summary>A label per class for legends and rows: "digit 0".. or the dataset's own names.</summary>
    public IReadOnlyList<string> ClassNames { get; init; } =
        Enumerable.Range(0, Classes).Select(c => $"digit {c}").ToArray();
}

/// <summary>The datasets the runner can load: mnist, fashion-mnist and usps.</summary>
public static class DatasetCatalog
{
    /// <summary>MNIST (LeCun, Cortes, Burges): 60,000 + 10,000 digits, 28x28.</summary>
    public static readonly DatasetInfo Mnist = new(
        "mnist", DatasetFormat.Idx, 28, 28, 10, 60_000, 10_000,
        [
            Idx("train-images-idx3-ubyte",
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", null),
            Idx("train-labels-idx1-ubyte",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", null),
            Idx("t10k-images-idx3-ubyte",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", null),
            Idx("t10k-labels-idx1-ubyte",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", null),
        ],
        [],
        [
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ]);

    /// <summary>Fashion-MNIST (Zalando): 60,000 + 10,000 clothing images, 28x28, MNIST's names.</summary>
    public static readonly DatasetInfo FashionMnist = new(
        "fashion-mnist", DatasetFormat.Idx, 28, 28, 10, 60_000, 10_000,
        [
            Idx("train-images-idx3-ubyte", null, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            Idx("train-labels-idx1-ubyte", null, "25c81989df183df01b3e8a0aad5dffbe"),
            Idx("t10k-images-idx3-ubyte", null, "bef4ecab320f06d8554ea6380940ec79"),
            Idx("t10k-labels-idx1-ubyte", null, "bb300cfdad3c16e7a12a480ee83cd310"),
        ],
        ["/usr/share/datasets/fashion-mnist"],
        [
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ])
    {
        // Zalando's label names, in label order (github.com/zalandoresearch/fashion-mnist, "Labels").
        ClassNoun = "class",
        ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot"],
    };

    /// <summary>USPS (Hull, 1994) as LIBSVM text: 7,291 + 2,007 digits, 16x16, values in [-1, 1].</summary>
    public static readonly DatasetInfo Usps = new(
        "usps", DatasetFormat.LibSvm, 16, 16, 10, 7_291, 2_007,
        [
            new DatasetFile("usps.bz2", "usps", null, "ec16c51db3855ca6c91edd34d0e9b197"),
            new DatasetFile("usps.t.bz2", "usps.t", null, "8ea070ee2aca1ac39742fdd1ef5ed118"),
        ],
        [],
        ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/"]);

    /// <summary>All known datasets.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [Mnist, FashionMnist, Usps];

    /// <summary>Looks a dataset up by name (case-insensitive); DataException for unknown names.</summary>
    public static DatasetInfo Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (DatasetInfo info in All)
        {
            if (string.Equals(info.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
                return info;
        }
        throw new DataException($"unknown dataset '{name}'; expected one of: "
            + string.Join(", ", All.Select(info => info.Name)) + ".");
    }

    /// <summary>Label of class <paramref name="label"/> of a dataset: its catalog name, else "class N"
    /// (an unknown dataset or a label past its list).</summary>
    public static string ClassName(string dataset, int label)
    {
        var info = All.FirstOrDefault(i =>
            string.Equals(i.Name, dataset, StringComparison.OrdinalIgnoreCase));
        return info is not null && label >= 0 && label < info.ClassNames.Count
            ? info.ClassNames[label]
            : $"class {label}";
    }

    /// <summary>What one class of a dataset is called in captions ("digit", or "class").</summary>
    public static string ClassNoun(string dataset) =>
        All.FirstOrDefault(i => string.Equals(i.Name, dataset, StringComparison.OrdinalIgnoreCase))
            ?.ClassNoun ?? "class";

    private static DatasetFile Idx(string rawName, string? contentSha256, string? downloadMd5) =>
        new(rawName + ".gz", rawName, contentSha256, downloadMd5);
}
