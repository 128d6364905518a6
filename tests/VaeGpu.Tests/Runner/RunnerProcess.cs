// Runs the runner as a child process (dotnet VaeGpu.Runner.dll from the test's output folder) with its
// own environment, so a test can kill it with SIGKILL and keep $VAEGPU_DATA and the
// cache from finding data the test did not name.
using System.Diagnostics;

namespace VaeGpu.Tests.Runner;

/// <summary>A runner child process whose stdout lines are collected as they come.</summary>
internal sealed class RunnerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _err = new();

    public RunnerProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "VaeGpu.Runner.dll");
        var info = new ProcessStartInfo("dotnet")
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        _process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the runner");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_lines) _lines.Add(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_err) _err.AppendLine(e.Data);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Waits up to <paramref name="seconds"/> for a stdout line containing
    /// <paramref name="text"/>; false when the process ended or time ran out first.</summary>
    public bool WaitForLine(string text, double seconds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            lock (_lines) if (_lines.Any(l => l.Contains(text))) return true;
            if (_process.HasExited) return false;
            Thread.Sleep(5);
        }
        return false;
    }

    /// <summary>Waits for the exit; returns the exit code, stdout and stderr.</summary>
    public RunnerResult Finish(double seconds = 120)
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(seconds)))
        {
            _process.Kill();
            throw new TimeoutException($"the runner ran over {seconds} s");
        }
        _process.WaitForExit();
        lock (_lines) lock (_err) return new RunnerResult(_process.ExitCode, string.Join("\n", _lines) + "\n",
            _err.ToString());
    }

    /// <summary>SIGKILL, as `kill -9` sends; nothing when the process has already ended.</summary>
    public void Kill9()
    {
        try { _process.Kill(); }
        catch (InvalidOperationException) when (_process.HasExited) { }
    }

    /// <summary>Runs to the end and returns the result.</summary>
    public static RunnerResult Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = new RunnerProcess(environment, args);
        return process.Finish();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
