// Facts that need a tool this machine may lack: [CudaFact] needs a usable CUDA device (driver,
// device and NVRTC), [ClangFact] needs clang. When absent, the test is skipped with the exact reason
// the probe gives, so a skip always says what is missing; when present, the test runs normally.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Kernels.Cuda;

namespace VaeGpu.Tests.Cuda;

/// <summary>A fact skipped, with the probe's reason, when no CUDA device can be used here.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        var probe = CudaAccelerator.Probe();
        return probe.Unavailable is not null ? $"CUDA unavailable: {probe.Unavailable}"
            : probe.Devices.Count == 0 ? "CUDA unavailable: no devices" : null;
    });

    /// <summary>Sets Skip when CUDA is absent.</summary>
    public CudaFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}

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
