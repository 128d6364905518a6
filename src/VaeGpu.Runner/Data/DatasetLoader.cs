// Loads a named dataset from the data folder (or a known local install) into memory and checks its
// structure against the catalog: shape, class range, image/label counts. Checksums are the fetcher's
// job (DataFetcher.Ensure); this only reads, so it is cheap enough to call at every run.
namespace VaeGpu.Runner.Data;

/// <summary>Loads mnist, fashion-mnist and usps from a data folder into memory.</summary>
public static class DatasetLoader
{
    /// <summary>Loads dataset <paramref name="name"/> from <paramref name="dataDir"/>/NAME or a known local
    /// install; throws DataException when the files are missing or malformed.</summary>
    public static Dataset Load(string name, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        DatasetInfo info = DatasetCatalog.Get(name);
        string? folder = Locate(info, dataDir);
        if (folder is null)
            throw new DataException(NotFoundMessage(info, dataDir));
        return LoadFrom(info, folder);
    }

    /// <summary>Loads <paramref name="info"/>'s files from exactly <paramref name="folder"/>.</summary>
    public static Dataset LoadFrom(DatasetInfo info, string folder)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return info.Format == DatasetFormat.Idx ? LoadIdx(info, folder) : LoadLibSvm(info, folder);
    }

    /// <summary>The first of DIR/NAME and the known local installs that holds every file of the
    /// dataset (compressed or raw), or null.</summary>
    public static string? Locate(DatasetInfo info, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(info);
        foreach (string folder in Candidates(info, dataDir))
        {
            if (info.Files.All(file => FindFile(folder, file) is not null))
                return folder;
        }
        return null;
    }

    /// <summary>The folders searched, in order: DIR/NAME, then the known local installs.</summary>
    public static IEnumerable<string> Candidates(DatasetInfo info, string dataDir)
    {
        yield return Path.Combine(dataDir, info.Folder);
        foreach (string install in info.LocalInstalls)
            yield return install;
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="folder"/> (compressed name
    /// first, then the raw name), or null.</summary>
    public static string? FindFile(string folder, DatasetFile file)
    {
        string stored = Path.Combine(folder, file.FileName);
        if (File.Exists(stored))
            return stored;
        string raw = Path.Combine(folder, file.RawName);
        return File.Exists(raw) ? raw : null;
    }

    internal static string NotFoundMessage(DatasetInfo info, string dataDir) =>
        $"dataset '{info.Name}' not found: looked in "
        + string.Join(", ", Candidates(info, dataDir)) + " for "
        + string.Join(", ", info.Files.Select(file => file.FileName))
        + $". Fetch it with `VaeGpu.Runner data fetch {info.Name}` or place the files in "
        + Path.Combine(dataDir, info.Folder) + ".";

    private static Dataset LoadIdx(DatasetInfo info, string folder)
    {
        // Files are in catalog order: train images, train labels, test images, test labels.
        DataSplit train = LoadIdxSplit(info, folder, info.Files[0], info.Files[1], info.TrainCount);
        DataSplit test = LoadIdxSplit(info, folder, info.Files[2], info.Files[3], info.TestCount);
        return new Dataset(info.Name, train, test);
    }

    private static DataSplit LoadIdxSplit(
        DatasetInfo info, string folder, DatasetFile imageFile, DatasetFile labelFile, int expectedCount)
    {
        string imagePath = Require(folder, imageFile);
        string labelPath = Require(folder, labelFile);
        IdxImages images = IdxReader.ReadImages(imagePath);
        if (images.Rows != info.Height || images.Cols != info.Width)
            throw new DataException($"{imagePath}: images are {images.Rows}x{images.Cols}; expected "
                + $"{info.Height}x{info.Width} for {info.Name}.");
        byte[] labels = IdxReader.ReadLabels(labelPath, info.Classes);
        if (labels.Length != images.Count)
            throw new DataException($"{imagePath} has {images.Count} images but {labelPath} has "
                + $"{labels.Length} labels; expected the same count in both.");
        CheckCount(info, imagePath, images.Count, expectedCount);
        return new DataSplit(images.Pixels, labels, images.Count, images.Cols, images.Rows, info.Classes);
    }

    private static Dataset LoadLibSvm(DatasetInfo info, string folder)
    {
        DataSplit train = LoadLibSvmSplit(info, Require(folder, info.Files[0]), info.TrainCount);
        DataSplit test = LoadLibSvmSplit(info, Require(folder, info.Files[1]), info.TestCount);
        return new Dataset(info.Name, train, test);
    }

    private static DataSplit LoadLibSvmSplit(DatasetInfo info, string path, int expectedCount)
    {
        LibSvmData data = LibSvmReader.Read(path, info.Width * info.Height, info.Classes);
        CheckCount(info, path, data.Count, expectedCount);
        return new DataSplit(data.Pixels, data.Labels, data.Count, info.Width, info.Height, info.Classes);
    }

    private static void CheckCount(DatasetInfo info, string path, int actual, int expected)
    {
        if (actual != expected)
            throw new DataException($"{path}: {actual} images; expected {expected} for {info.Name} "
                + "(an incomplete or different file?).");
    }

    private static string Require(string folder, DatasetFile file) =>
        FindFile(folder, file)
        ?? throw new DataException($"{Path.Combine(folder, file.FileName)}: file not found (nor "
            + $"{file.RawName} uncompressed).");
}
