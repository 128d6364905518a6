// CI without a GPU: ILGPU's PTXBackend compiles every kernel of VaeGpu.Kernels (and each new one as it
// lands: the list is the generator's) for sm_70, sm_80 and sm_90; a kernel ILGPU rejects fails by name.
// Each launch's group (the constants KernelAccelerator launches with) and the kernel's .shared bytes are
// checked against CUDA's limits, and the GEMM's register block must not spill to .local memory.
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Kernels;
using Xunit.Abstractions;
using KernelsGenerated = VaeGpu.Kernels.Generated.GeneratedKernels;

namespace VaeGpu.Tests.Cuda;

public sealed class PtxCompileTests(ITestOutputHelper output)
{
    /// <summary>Threads per block on every CUDA architecture since sm_20.</summary>
    private const int MaxThreadsPerBlock = 1024;

    /// <summary>Static shared memory per block without opting in (48 KiB on sm_70 to sm_90).</summary>
    private const int MaxStaticSharedBytes = 48 * 1024;

    /// <summary>
    /// The group each kernel is launched with (KernelAccelerator's constants), and the group a kernel's
    /// shared arrays are sized for where they are indexed by the local id (0: no such assumption).
    /// </summary>
    private static (int Group, int SharedFor) Launch(string kernel) => kernel switch
    {
        "Gemm" => (GemmKernels.Threads, GemmKernels.Threads),
        "GemmWide" => (GemmKernels.WideThreads, GemmKernels.WideThreads),
        "SumPartials" or "SumFinish" or "BceWithLogits" or "MseOnSigmoid" or "KlDivergence"
            or "ConvBackwardBias" =>
            (ReductionKernels.ReduceThreads, ReductionKernels.ReduceThreads),
        "CopyColumns" => (32 * 8, 0),
        _ => (ActivationKernels.GroupSize, 0),
    };

    public static TheoryData<int> Architectures => new(PtxCompiler.CheckedArchitectures);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryKernelCompilesAndFitsItsLaunch(int architecture)
    {
        using var compiler = new PtxCompiler(architecture);
        var problems = new List<string>();
        Assert.NotEmpty(KernelsGenerated.All);
        foreach (KernelSource source in KernelsGenerated.All)
        {
            PtxKernel ptx;
            try
            {
                ptx = compiler.Compile(source);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
                continue;
            }
            var (group, sharedFor) = Launch(source.Name);
            output.WriteLine($"{source.Name} {ptx.Architecture}: {ptx.Ptx.Length} chars, .shared "
                + $"{ptx.SharedBytes} B, .local {ptx.LocalBytes} B, group {group}");
            if (!ptx.Ptx.Contains($".entry Kernel_{source.Name}("))
                problems.Add($"{source.Name}: its PTX has no entry point Kernel_{source.Name}");
            if (group > MaxThreadsPerBlock)
                problems.Add($"{source.Name}: launched with {group} threads per block "
                    + $"> {MaxThreadsPerBlock}");
            if (ptx.SharedBytes > MaxStaticSharedBytes)
                problems.Add($"{source.Name}: {ptx.SharedBytes} B of .shared > {MaxStaticSharedBytes}");
            if (sharedFor != 0 && sharedFor != group)
                problems.Add($"{source.Name}: shared arrays sized for {sharedFor} work-items, "
                    + $"launched with {group}");
            if (source.UsesBarrier != ptx.Ptx.Contains("bar.sync") && source.UsesBarrier)
                problems.Add($"{source.Name}: uses k.Barrier() but its PTX has no bar.sync");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void GemmKeepsItsRegisterBlockOutOfLocalMemory(int architecture)
    {
        using var compiler = new PtxCompiler(architecture);
        PtxKernel gemm = compiler.Compile(KernelsGenerated.All.Single(k => k.Name == "Gemm"));
        int expectedShared = GemmKernels.TileK * (GemmKernels.TileM + GemmKernels.TileN) * sizeof(float);
        Assert.Equal(expectedShared, gemm.SharedBytes);
        Assert.True(!gemm.Ptx.Contains(".local"),
            $"Gemm's PTX for {gemm.Architecture} uses .local memory ({gemm.LocalBytes} B declared): the "
            + "4 x 4 block must stay in registers. Lines: " + string.Join(" | ",
                gemm.Ptx.Split('\n').Where(l => l.Contains(".local")).Take(5).Select(l => l.Trim())));
    }

    [Fact]
    public void PrivateArraysAreLocalMemoryWhichIsWhyHotKernelsAvoidThem()
    {
        // The converse, so the .local check above can fail: a private array lands in .local.
        using var compiler = new PtxCompiler(80);
        var method = typeof(PtxProbeKernels).GetMethod(nameof(PtxProbeKernels.PrivateArray))!;
        PtxKernel ptx = compiler.Compile("PrivateArray", method);
        Assert.Contains(".local", ptx.Ptx);
        Assert.True(ptx.LocalBytes >= 16 * 4,
            $"expected a 64-byte .local array, the PTX declares {ptx.LocalBytes} B");
    }
}

/// <summary>A kernel only ILGPU compiles in these tests (not a [Kernel]: no OpenCL translation).</summary>
public static class PtxProbeKernels
{
    public static void PrivateArray(KernelContext k, Buf<float> output, int n)
    {
        var acc = k.Private<float>(16);
        for (int i = 0; i < 16; i++) acc[i] = i * output[i];
        int index = k.GlobalId(0);
        if (index < n) output[index] = acc[index % 16];
    }
}
