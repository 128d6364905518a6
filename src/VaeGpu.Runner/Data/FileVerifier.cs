// Checks one dataset file: by the SHA-256 of its decompressed content where the catalog has one
// (MNIST), else by parsing it (structure, counts, label and value ranges). Downloads are checked in
// addition by the MD5 of the downloaded bytes where the canonical distribution publishes one.
using System.Security.Cryptography;

namespace VaeGpu.Runner.Data;

/// <summary>Verifies dataset files by checksum or structure.</summary>
public static class FileVerifier
{
    /// <summary>Returns null when <paramref name="path"/> is a valid copy of <paramref name="file"/>,
    /// else a one-line description of what is wrong.</summary>
    public static string? Check(DatasetInfo info, DatasetFile file, string path)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            return CheckContent(info, file, path, CompressedFile.ReadAllBytes(path));
        }
        catch (DataException e)
        {
            return e.Message;
        }
    }

    /// <summary>Like Check, for decompressed content; <paramref name="path"/> names it.</summary>
    public static string? CheckContent(DatasetInfo info, DatasetFile file, string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (file.ContentSha256 is not null)
        {
            string actual = Sha256Hex(content);
            return actual == file.ContentSha256
                ? null
                : $"{path}: SHA-256 of the decompressed content is {actual}; expected {file.ContentSha256}.";
        }
        try
        {
            CheckStructure(info, file, path, content);
            return null;
        }
        catch (DataException e)
        {
            return e.Message;
        }
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="data"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data) =>
        Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Lower-case hex MD5 of <paramref name="data"/> (canonical downloads publish MD5).</summary>
    public static string Md5Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(MD5.HashData(data));

    private static void CheckStructure(DatasetInfo info, DatasetFile file, string path, byte[] content)
    {
        int index = IndexOf(info, file);
        if (info.Format == DatasetFormat.LibSvm)
        {
            LibSvmData data = LibSvmReader.Parse(path, content, info.Width * info.Height, info.Classes);
            ExpectCount(path, data.Count, index == 0 ? info.TrainCount : info.TestCount);
            return;
        }
        // IDX files are in catalog order: train images, train labels, test images, test labels.
        int expected = index < 2 ? info.TrainCount : info.TestCount;
        if (index % 2 == 0)
        {
            IdxImages images = IdxReader.ParseImages(path, content);
            if (images.Rows != info.Height || images.Cols != info.Width)
                throw new DataException($"{path}: images are {images.Rows}x{images.Cols}; expected "
                    + $"{info.Height}x{info.Width}.");
            ExpectCount(path, images.Count, expected);
        }
        else
        {
            ExpectCount(path, IdxReader.ParseLabels(path, content, info.Classes).Length, expected);
        }
    }

    private static void ExpectCount(string path, int actual, int expected)
    {
        if (actual != expected)
            throw new DataException($"{path}: {actual} records; expected {expected}.");
    }

    private static int IndexOf(DatasetInfo info, DatasetFile file)
    {
        for (int index = 0; index < info.Files.Count; index++)
        {
            if (info.Files[index].FileName == file.FileName)
                return index;
        }
        throw new ArgumentException($"{file.FileName} is not a file of dataset {info.Name}.", nameof(file));
    }
}
