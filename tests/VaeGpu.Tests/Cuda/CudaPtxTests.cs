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
    // Math and intrinsics that CUDA provides as device functions (libdevice / NVRTC's builtins). The
    // prelude's clang-only stand-ins declare them with C++ linkage, so they may appear mangled.
    private static readonly HashSet<string> CudaMath =
    [
        "expf", "logf", "log1pf", "sqrtf", "rsqrtf", "tanhf", "cosf", "sinf", "fabsf", "fmaxf", "fminf",
        "fmaf", "powf", "exp2f", "log2f", "expm1f", "floorf", "ceilf", "fmodf", "max", "min", "__umulhi",
        "__expf", "__logf", "__fdividef",
    ];

    [ClangFact]
    public void EveryGeneratedKernelCompilesToPtxWithClang()
    {
        var source = GeneratedKernels.CudaProgram;
        Assert.False(string.IsNullOrWhiteSpace(source), "GeneratedKernels.CudaProgram is empty");
        var ptx = CompileWithClang(source, "sm_70");

        var entries = EntryName().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet();
        output.WriteLine($"{entries.Count} .entry points in {ptx.Length} characters of PTX");
        var missing = GeneratedKernels.All.Select(k => k.Name).Where(n => !entries.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"kernels without a .entry in the PTX: {string.Join(", ", missing)} "
            + $"(entries: {string.Join(", ", entries)})");

        var externs = ExternName().Matches(ptx).Select(m => m.Groups[1].Value).Distinct().ToList();
        output.WriteLine($"undefined in the PTX (NVRTC supplies them): {string.Join(", ", externs)}");
        var unknown = externs.Where(name => !CudaMath.Contains(Unmangled(name))).ToList();
        Assert.True(unknown.Count == 0,
            $"the PTX calls functions nobody defines: {string.Join(", ", unknown)}");
    }

    [Theory]
    [InlineData("_Z4expff", "expf")]
    [InlineData("_Z8__umulhijj", "__umulhi")]
    [InlineData("_Z5fmaxfff", "fmaxf")]
    [InlineData("expf", "expf")]
    [InlineData("_Z6Helperf", "Helper")]
    public void MangledNamesAreReadBack(string symbol, string name) => Assert.Equal(name, Unmangled(symbol));

    [ClangFact]
    public void UndefinedHelpersAreCaught()
    {
        // A device function declared but never defined must show up as an unknown extern.
        var ptx = CompileWithClang("__attribute__((device)) float Helper(float);\n"
            + "extern \"C\" __attribute__((global)) void UsesHelper(float* x) { x[0] = Helper(x[1]); }",
            "sm_70");
        var externs = ExternName().Matches(ptx).Select(m => Unmangled(m.Groups[1].Value)).ToList();
        Assert.Contains("Helper", externs);
        Assert.DoesNotContain("Helper", CudaMath);
    }

    // What NVRTC has built in, for the prelude's NVRTC branch (__CUDACC_RTC__): the launch variables
    // (clang's own header gives them the same meaning), the attributes, and CUDA's extern "C" math.
    private const string NvrtcStandIns = """
        #define __device__ __attribute__((device))
        #define __global__ __attribute__((global))
        #define __shared__ __attribute__((shared))
        #define __forceinline__ __inline__ __attribute__((always_inline))
        #include <__clang_cuda_builtin_vars.h>
        extern "C" {
        __device__ float expf(float); __device__ float logf(float); __device__ float log1pf(float);
        __device__ float sqrtf(float); __device__ float rsqrtf(float); __device__ float tanhf(float);
        __device__ float cosf(float); __device__ float sinf(float); __device__ float powf(float, float);
        __device__ float floorf(float); __device__ float ceilf(float); __device__ float fabsf(float);
        __device__ float fmaxf(float, float); __device__ float fminf(float, float);
        __device__ float fmaf(float, float, float); __device__ float fmodf(float, float);
        __device__ int max(int, int); __device__ int min(int, int);
        __device__ unsigned int __umulhi(unsigned int, unsigned int); __device__ float __int_as_float(int);
        }

        """;

    [ClangFact]
    public void TheNvrtcBranchOfThePreludeCompilesToo()
    {
        // NVRTC defines __CUDACC_RTC__, so on a GPU the prelude takes its other branch (threadIdx, CUDA's
        // math). Compile that branch as well, with stand-ins for NVRTC's built-in declarations only.
        var ptx = CompileWithClang(
            NvrtcStandIns + "#define __CUDACC_RTC__ 1\n" + GeneratedKernels.CudaProgram, "sm_80");
        var entries = EntryName().Matches(ptx).Select(m => m.Groups[1].Value).ToHashSet();
        var missing = GeneratedKernels.All.Select(k => k.Name).Where(n => !entries.Contains(n)).ToList();
        Assert.True(missing.Count == 0,
            $"kernels without a .entry in the NVRTC-branch PTX: {string.Join(", ", missing)}");
        var externs = ExternName().Matches(ptx).Select(m => m.Groups[1].Value).Distinct().ToList();
        output.WriteLine($"NVRTC branch leaves to NVRTC: {string.Join(", ", externs)}");
        Assert.All(externs, name => Assert.Contains(name, CudaMath)); // extern "C" here: never mangled
    }

    [ClangFact]
    public void TheCheckFailsOnBrokenCuda()
    {
        // The check above must be able to fail: clang rejects an undeclared identifier.
        var error = Assert.Throws<InvalidOperationException>(() =>
            CompileWithClang(
                "extern \"C\" __attribute__((global)) void Broken(float* x) { x[0] = notDeclared; }",
                "sm_70"));
        Assert.Contains("notDeclared", error.Message);
    }

    /// <summary>
    /// Runs clang on <paramref name="source"/> and returns the PTX; throws with clang's output on failure.
    /// </summary>
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
                    $"clang exited with {process.ExitCode} compiling the CUDA program for {arch}:\n"
                    + stderr + stdout.Result);
            return File.ReadAllText(ptx);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The function name of an Itanium-mangled free function (_Z4expff is expf), else the name itself.
    /// </summary>
    internal static string Unmangled(string symbol)
    {
        var match = MangledName().Match(symbol);
        if (!match.Success) return symbol;
        int length = int.Parse(match.Groups[1].Value);
        var rest = match.Groups[2].Value;
        return length <= rest.Length ? rest[..length] : symbol;
    }

    [GeneratedRegex(@"^_Z([0-9]+)(.*)$")]
    private static partial Regex MangledName();

    [GeneratedRegex(@"\.entry\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex EntryName();

    [GeneratedRegex(@"\.extern\s+\.func\s*(?:\([^)]*\)\s*)?([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ExternName();
}
