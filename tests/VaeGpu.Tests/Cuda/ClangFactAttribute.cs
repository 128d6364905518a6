// [ClangFact]: a fact that needs clang with the NVPTX target. Where clang is absent the test is
// skipped with that reason; where it is present the test runs normally. (Tests that need a CUDA GPU
// use the suite's [Backend(AcceleratorKind.Cuda)] + [BackendFact], which skip with the probe's reason.)
using System.Diagnostics;

namespace VaeGpu.Tests.Cuda;

/// <summary>A fact skipped when clang (with the NVPTX target) is not installed.</summary>
public sealed class ClangFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(Probe);

    /// <summary>Sets Skip when clang is absent.</summary>
    public ClangFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }

    /// <summary>The clang to run: $CLANG, else clang on PATH.</summary>
    public static string Clang => Environment.GetEnvironmentVariable("CLANG") is { Length: > 0 } c ? c : "clang";

    private static string? Probe()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(Clang, "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null) return $"could not start {Clang}";
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{Clang} --version exited with {process.ExitCode}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"clang is not installed ({Clang}: {e.Message}); apt-get install clang (.ci/run does)";
        }
    }
}
