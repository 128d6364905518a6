// Finding the independent tools the runner tests check our files with (python3 with PIL, pngcheck),
// and facts that skip a test with the reason when a tool is absent.
using System.Diagnostics;

namespace VaeGpu.Tests.Runner;

/// <summary>Runs external programs for tests and tells whether they exist.</summary>
internal static class ExternalTool
{
    private static readonly Lazy<string?> PythonWithPil = new(FindPythonWithPil);

    /// <summary>A python3 that can import PIL, or null.</summary>
    public static string? Python => PythonWithPil.Value;

    /// <summary>Runs a program and returns (exit code, stdout, stderr); 60 s limit.</summary>
    public static (int Code, string Out, string Err) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{file} ran over 60 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Full path of a program on PATH, or null.</summary>
    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static string? FindPythonWithPil()
    {
        // The distribution's python3 (python3-pil) first: a pyenv shim earlier on PATH may lack PIL.
        foreach (var candidate in new[] { "/usr/bin/python3", OnPath("python3") })
        {
            if (candidate is null || !File.Exists(candidate)) continue;
            try
            {
                if (Run(candidate, "-c", "import PIL.Image").Code == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason, when python3 with PIL is absent.</summary>
internal sealed class PilFactAttribute : FactAttribute
{
    public PilFactAttribute()
    {
        if (ExternalTool.Python is null)
            Skip = "needs python3 with PIL (Debian: python3-pil) to decode PNGs independently; none found";
    }
}

/// <summary>A theory that is skipped, with the reason, when python3 with PIL is absent.</summary>
internal sealed class PilTheoryAttribute : TheoryAttribute
{
    public PilTheoryAttribute()
    {
        if (ExternalTool.Python is null)
            Skip = "needs python3 with PIL (Debian: python3-pil) to decode PNGs independently; none found";
    }
}

/// <summary>A fact that is skipped, with the reason, when pngcheck is absent.</summary>
internal sealed class PngcheckFactAttribute : FactAttribute
{
    public PngcheckFactAttribute()
    {
        if (ExternalTool.OnPath("pngcheck") is null)
            Skip = "needs pngcheck (Debian: pngcheck) on PATH; not found";
    }
}

/// <summary>
/// A fact that needs an OpenCL device and USPS; skipped, with the reason, when either is absent.
/// </summary>
internal sealed class OpenCLUspsFactAttribute : FactAttribute
{
    public OpenCLUspsFactAttribute()
    {
        string? noDevice = VaeGpu.Kernels.OpenCL.OpenCLAccelerator.Probe().Unavailable;
        string? noData = VaeGpu.Tests.Support.TestData.UnavailableReason("usps");
        if (noDevice is not null) Skip = $"no OpenCL device: {noDevice}";
        else if (noData is not null) Skip = $"USPS unavailable: {noData}";
    }
}
