// The whole CUDA path without a GPU: FakeCuda/fake_cuda.c and fake_nvrtc.c stand in for libcuda.so.1
// and libnvrtc.so (built here with clang), and the real runner runs in a child process that finds them
// through LD_LIBRARY_PATH and CUDA_PATH. The fake driver checks every call: memory copies inside live
// allocations, a JIT error-log buffer on module load, and each launch's argument block against the
// kernel's generated CUDA signature (a buffer is a live allocation's base plus an in-range offset).
// Kernels do not run, so results are meaningless; what is checked is how we drive the API.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using VaeGpu.Kernels.Generated;
using VaeGpu.Kernels.Device;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cuda;

/// <summary>A fact that needs clang and MNIST; skipped with the reason.</summary>
public sealed class FakeCudaFactAttribute : FactAttribute
{
    /// <summary>Sets Skip when clang or MNIST is absent.</summary>
    public FakeCudaFactAttribute()
    {
        var clang = new ClangFactAttribute().Skip;
        Skip = clang ?? TestData.UnavailableReason("mnist");
    }
}

public sealed partial class FakeDriverTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vaegpu-fakecuda-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string SourceFolder([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "FakeCuda");

    private string Log => Path.Combine(_dir.FullName, "calls.log");

    private void BuildFakes()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "cuda", "lib64"));
        Run(ClangFactAttribute.Clang, ["-shared", "-fPIC", "-Wall", "-Werror", "-o",
            Path.Combine(_dir.FullName, "libcuda.so.1"), Path.Combine(SourceFolder(), "fake_cuda.c")]);
        Run(ClangFactAttribute.Clang, ["-shared", "-fPIC", "-Wall", "-Werror", "-Wno-unused-parameter", "-o",
            Path.Combine(_dir.FullName, "cuda", "lib64", "libnvrtc.so.12"),
            Path.Combine(SourceFolder(), "fake_nvrtc.c")]);
    }

    private (int Code, string Out) Runner(params string[] args)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "VaeGpu.Runner");
        var info = new ProcessStartInfo(File.Exists(apphost) ? apphost : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!File.Exists(apphost))
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VaeGpu.Runner.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var inherited = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        info.Environment["LD_LIBRARY_PATH"] =
            _dir.FullName + (string.IsNullOrEmpty(inherited) ? "" : ":" + inherited);
        info.Environment["CUDA_PATH"] = Path.Combine(_dir.FullName, "cuda");
        info.Environment.Remove("CUDA_HOME");
        info.Environment["FAKE_CUDA_LOG"] = Log;
        return Run(info);
    }

    private static (int Code, string Out) Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var (code, text) = Run(info);
        if (code != 0) throw new InvalidOperationException($"{file} exited with {code}:\n{text}");
        return (code, text);
    }

    private static (int Code, string Out) Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    [FakeCudaFact]
    public void DevicesListsTheFakeGpuWithDriverAndNvrtc()
    {
        BuildFakes();
        var (code, text) = Runner("devices");
        output.WriteLine(text);
        Assert.Equal(0, code);
        Assert.Matches(new Regex(
            @"cuda:0 VaeGpu Fake GPU \(NVIDIA; 4 compute units; 8\.0 GiB\); compute 8\.9, "
            + @"driver CUDA 12\.4, NVRTC 12\.4 \(.*libnvrtc\.so\.12\)"), text);
    }

    [FakeCudaFact]
    public void TrainingDrivesTheApiWithValidCallsOnly()
    {
        BuildFakes();
        var (code, text) = Runner("--accelerator", "cuda", "--epochs", "1", "--limit", "256", "--quiet",
            "--data-dir", TestData.SharedDatasets ?? Path.GetDirectoryName(TestData.Folder("mnist"))!,
            "--out", Path.Combine(_dir.FullName, "run"));
        output.WriteLine(text);
        var log = File.ReadAllLines(Log);
        var violations = log.Where(line => line.StartsWith("VIOLATION", StringComparison.Ordinal)).ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.True(code == 0, text);

        // NVRTC was asked for the newest architecture it supports that the device (8.9) can run.
        Assert.Contains("nvrtc option --gpu-architecture=compute_86", log);
        Assert.Equal(1, log.Count(line => line == "retain"));
        Assert.Equal(1, log.Count(line => line == "release"));

        // Every launch passed as many arguments as the generated signature has, and the generated
        // parameter list (a buffer is two device arguments) agrees with the CUDA text.
        var launched = new Dictionary<string, int>();
        foreach (var line in log)
        {
            var match = LaunchLine().Match(line);
            if (!match.Success) continue;
            launched[match.Groups[1].Value] = int.Parse(match.Groups[2].Value);
        }
        output.WriteLine($"{log.Length} calls; kernels launched: {string.Join(", ", launched.Keys)}");
        string[] expectedKernels = ["Gemm", "GatherImages", "BceWithLogits", "KlDivergence", "AdamStep",
            "ReparameterizeForward", "ReparameterizeBackward", "SumPartials", "SumFinish", "ColumnSum"];
        foreach (var name in expectedKernels)
            Assert.True(launched.ContainsKey(name), $"{name} was never launched");
        foreach (var (name, count) in launched)
        {
            var source = GeneratedKernels.All.Single(k => k.Name == name);
            int expected = source.Parameters.Sum(p => p.Kind is KernelParameterKind.FloatBuffer
                or KernelParameterKind.IntBuffer or KernelParameterKind.UIntBuffer
                or KernelParameterKind.ByteBuffer ? 2 : 1);
            Assert.True(expected == count, $"{name}: the CUDA signature has {count} parameters, "
                + $"KernelSource.Parameters gives {expected} device arguments");
        }
    }

    [GeneratedRegex(@"^launch (\w+) ([0-9]+) args")]
    private static partial Regex LaunchLine();
}
