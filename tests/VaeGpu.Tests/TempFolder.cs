// A fresh empty folder under the temp directory for one test, removed with everything in it when the
// test's `using` ends, passed or failed. Removal is best effort: a folder already gone or still held
// open is no error, so the cleanup never hides the test's own failure.
namespace VaeGpu.Tests;

/// <summary>A temporary folder that deletes itself on Dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates vaegpu-{tag}-{guid} under the temp directory.</summary>
    public TempFolder(string tag = "test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vaegpu-{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Writes a file (and its folders) at a path relative to the folder; returns its full path.
    /// </summary>
    public string Write(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Deletes the folder and its contents if it is still there.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder does not affect results.
        }
    }
}
