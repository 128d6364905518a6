// The checks a command makes on its --out folder before any long work: it can be created and written,
// so that a bad path is one line at the start, not a crash after the first hour of a sweep.
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Output;

/// <summary>Creates output folders and proves they are writable.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> and writes and deletes a probe file in it; a failure is
    /// a user error naming the folder as "--out FOLDER: cannot write the WHAT folder".</summary>
    public static void EnsureWritable(string folder, string what)
    {
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"--out {folder}: cannot write the {what} folder ({e.Message})");
        }
    }
}
