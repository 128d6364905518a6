// The checks every path option gets before any work (issue 19 item 1): an empty or blank path is one
// line and exit code 2, never a stack trace or a crash after training; a PNG file option must end in
// .png (we write nothing else) and sit in a folder that exists.
namespace VaeGpu.Runner.Training;

/// <summary>Validates the path options of the services.</summary>
public static class PathOptions
{
    /// <summary>Returns <paramref name="path"/>; null, empty or blank is a user error naming
    /// <paramref name="option"/>.</summary>
    public static string Required(string? path, string option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return string.IsNullOrWhiteSpace(path)
            ? throw new UserErrorException($"{option}: expected a path, got '{path}'")
            : path;
    }

    /// <summary>Returns <paramref name="path"/> (null when not given); empty or blank is a user
    /// error.</summary>
    public static string? Optional(string? path, string option) =>
        path is null ? null : Required(path, option);

    /// <summary>Returns <paramref name="path"/> when it names a .png file in an existing folder, else
    /// throws a user error.</summary>
    public static string PngFile(string? path, string option)
    {
        string file = Required(path, option);
        if (!file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"{option} {file}: expected a .png file name (PNG is the " +
                "only format written)");
        string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (!Directory.Exists(folder))
            throw new UserErrorException($"{option} {file}: no such folder {folder}");
        return file;
    }

    /// <summary>Returns the run folder <paramref name="dir"/>; empty, or a folder that does not exist, is
    /// a user error naming <paramref name="option"/>.</summary>
    public static string ExistingFolder(string? dir, string option)
    {
        string folder = Required(dir, option);
        if (!Directory.Exists(folder))
            throw new UserErrorException(File.Exists(folder)
                ? $"{option} {folder}: is a file, not a run folder"
                : $"{option} {folder}: no such folder");
        return folder;
    }
}
