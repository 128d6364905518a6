// [PythonOnnxFact]: a fact that needs a python3 able to import numpy and onnxruntime (for the README's
// Python one-liner). Where there is none the test is skipped with that reason.
using VaeGpu.Tests.Runner;

namespace VaeGpu.Tests.Export;

/// <summary>A fact skipped when no python3 with numpy and onnxruntime is installed.</summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Found = new(Probe);

    /// <summary>Sets Skip when no such python3 exists.</summary>
    public PythonOnnxFactAttribute()
    {
        if (Found.Value is null)
            Skip = "no python3 that imports numpy and onnxruntime (pip install onnxruntime numpy)";
    }

    /// <summary>The python3 that imports numpy and onnxruntime, or null.</summary>
    public static string? Python => Found.Value;

    private static string? Probe()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", ExternalTool.OnPath("python3") })
        {
            if (candidate is null || !File.Exists(candidate)) continue;
            try
            {
                if (ExternalTool.Run(candidate, "-c", "import numpy, onnxruntime").Code == 0)
                    return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        return null;
    }
}
