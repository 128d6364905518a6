// RUN/crash.txt: what an internal error (a bug, not bad input) leaves in the run folder, during training
// or while eval, sample or export read the run, so the exception's type, message and stack survive a
// terminal that scrolled away or a pipe that kept only the last line (2026-11-30: a default run died in
// epoch 6 and only `tail -1` of its trace was kept). Written from an exception filter, before the stack
// unwinds; the exception then goes on exactly as before (the runtime prints it and the process fails).
// A later report is added after the earlier ones, so an eval's crash does not hide the training's.
using System.Globalization;
using VaeGpu.Runner.Cli;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>Saves an internal error's full report in the run folder.</summary>
internal static class CrashReport
{
    /// <summary>The file inside a run folder.</summary>
    public const string FileName = "crash.txt";

    /// <summary>Runs work on <paramref name="runDir"/> (a command's, or one run's of a sweep) and returns
    /// its result; an internal error in it is recorded (<see cref="Record"/>) and goes on unchanged.
    /// </summary>
    public static T Guard<T>(IRunnerConsole console, string runDir, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work();
        }
        catch (Exception e) when (Record(console, runDir, e))
        {
            throw; // never reached: Record returns false, so the exception goes on unchanged
        }
    }

    /// <summary>
    /// For an internal error (one <see cref="CliApp"/> would not report as a user error), adds a report
    /// (time, command line, the exception with its stack) to RUN/crash.txt and says so on stderr. Always
    /// returns false, for use as an exception filter that lets the exception pass on unchanged.
    /// </summary>
    public static bool Record(IRunnerConsole console, string runDir, Exception e)
    {
        if (CliApp.UserMessage(e) is not null || !Directory.Exists(runDir)) return false;
        string path = Path.Combine(runDir, FileName);
        try
        {
            string time = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            string command = string.Join(' ', Environment.GetCommandLineArgs());
            string earlier = File.Exists(path) ? File.ReadAllText(path) + "\n" : "";
            AtomicFile.WriteAllText(path, $"{earlier}{time} UTC: {command}\n{e}\n");
            console.Err.WriteLine($"internal error (a VaeGpu bug): {e.GetType().Name}: {e.Message}; the " +
                $"full report is in {path}");
        }
        catch (Exception io) when (io is IOException or UnauthorizedAccessException)
        {
            // The report is a courtesy: failing to write it must not hide the error itself.
        }
        return false;
    }
}
