// The GPU-less check of the CUDA path: the generated CUDA C translation unit compiles to PTX with
// Debian's clang, without CUDA's headers or libdevice, and every generated kernel is an entry point.
// The only functions the PTX may leave undefined are CUDA math functions, which NVRTC resolves.
using System.Diagnostics;
using System.Text.RegularExpressions;
using VaeGpu.Kernels.Generated;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

public sealed partial class CudaPtxTests(ITestOutputHelper output)
{
    // Single-precision math that CUDA provides as device functions (libdevice / NVRTC's builtins).
    private static readonly HashSet<string> CudaMath =
    [
        "expf", "logf", "log1pf", "sqrtf", "rsqrtf", "tanhf", "cosf", "sinf", "fabsf", "fmaxf", "fminf", "fmaf",
        "powf", "exp2f", "log2f", "expm1f", "__expf", "__logf", "__fdividef", "__nv_expf", "__nv_logf",
        "__nv_log1pf", "__nv_tanhf", "__nv_cosf", "__nv_sinf", "__nv_sqrtf", "__nv_powf", "__nv_expm1f",
    ];

    [ClangFact]
    public void EveryGeneratedKernelCompilesToPtxWithClang()
    {
        var source = GeneratedKernels.CudaProgram;
        Assert.False(string.IsNullOrWhiteSpace(source), "GeneratedKernels.CudaProgram is empty");
        var ptx = CompileWithClang(source, "sm_70");

        var entries = EntryName().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet();
        output.WriteLine($"{entries.Count} .entry points in {ptx.Length} characters of PTX");
        var missing = GeneratedKernels.All.Select(k => k.Name).Where(name => !entries.Contains(name)).ToList();
        Assert.True(missing.Count == 0,
            $"kernels without a .entry in the PTX: {string.Join(", ", missing)} (entries: {string.Join(", ", entries)})");

        var externs = ExternName().Matches(ptx).Select(m => m.Groups[1].Value).Distinct().ToList();
        var unknown = externs.Where(name => !CudaMath.Contains(name)).ToList();
        Assert.True(unknown.Count == 0,
            $"the PTX calls functions nobody defines: {string.Join(", ", unknown)}");
    }

    [ClangFact]
    public void TheCheckFailsOnBrokenCuda()
    {
        // The check above must be able to fail: clang rejects an undeclared identifier.
        var error = Assert.Throws<InvalidOperationException>(() =>
            CompileWithClang("extern \"C\" __attribute__((global)) void Broken(float* x) { x[0] = notDeclared; }", "sm_70"));
        Assert.Contains("notDeclared", error.Message);
    }

    /// <summary>Runs clang on <paramref name="source"/> and returns the PTX; throws with clang's output on failure.</summary>
    internal static string CompileWithClang(string source, string arch)
    {
        var dir = Directory.CreateTempSubdirectory("vaegpu-ptx-");
        try
        {
            var cu = Path.Combine(dir.FullName, "kernels.cu");
            var ptx = Path.Combine(dir.FullName, "kernels.ptx");
            File.WriteAllText(cu, source);
            var info = new ProcessStartInfo(ClangFactAttribute.Clang)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "-x", "cuda", "--cuda-device-only", "-nocudainc", "-nocudalib",
                         $"--cuda-gpu-arch={arch}", "-O2", "-S", "-o", ptx, cu })
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(ptx))
                throw new InvalidOperationException(
                    $"clang exited with {process.ExitCode} compiling the CUDA program for {arch}:\n{stderr}{stdout.Result}");
            return File.ReadAllText(ptx);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"\.entry\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex EntryName();

    [GeneratedRegex(@"\.extern\s+\.func\s*(?:\([^)]*\)\s*)?([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ExternName();
}
