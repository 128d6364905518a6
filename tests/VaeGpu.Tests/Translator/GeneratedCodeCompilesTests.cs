// (b) The generated programs are accepted as is by the languages' compilers: OpenCL C 1.2 and CUDA C
// (clang without CUDA headers, the prelude standing in for them), for the test kernels and for the
// VaeGpu.Kernels kernels, also with a constant overridden the way a backend would (-D).
using KernelsGenerated = VaeGpu.Kernels.Generated.GeneratedKernels;
using TestsGenerated = VaeGpu.Tests.Generated.GeneratedKernels;

using VaeGpu.Kernels.Device;

namespace VaeGpu.Tests.Translator;

public sealed class GeneratedCodeCompilesTests
{
    public static TheoryData<string> Programs => new() { "tests", "kernels" };

    private static (string OpenCL, string Cuda) Program(string which) => which == "tests"
        ? (TestsGenerated.OpenCLProgram, TestsGenerated.CudaProgram)
        : (KernelsGenerated.OpenCLProgram, KernelsGenerated.CudaProgram);

    [ClangTheory]
    [MemberData(nameof(Programs))]
    public void OpenCLProgramCompilesAsOpenCL12(string which)
    {
        var (code, log) = Clang.Check(Program(which).OpenCL, "program.cl", Clang.OpenCLArguments);
        Assert.True(code == 0, $"clang rejected the {which} OpenCL program:\n{log}");
    }

    [ClangTheory]
    [MemberData(nameof(Programs))]
    public void CudaProgramCompilesWithoutCudaHeaders(string which)
    {
        var (code, log) = Clang.Check(Program(which).Cuda, "program.cu", Clang.CudaArguments);
        Assert.True(code == 0, $"clang rejected the {which} CUDA program:\n{log}");
    }

    [ClangFact]
    public void EachKernelCompilesOnItsOwnAfterTheCommonPart()
    {
        foreach (var kernel in TestsGenerated.All)
        {
            string openCL = TestsGenerated.OpenCLCommon + kernel.OpenCL;
            var (code, log) = Clang.Check(openCL, "one.cl", Clang.OpenCLArguments);
            Assert.True(code == 0, $"{kernel.Name} (OpenCL) rejected:\n{log}");
            (code, log) = Clang.Check(TestsGenerated.CudaCommon + kernel.Cuda, "one.cu", Clang.CudaArguments);
            Assert.True(code == 0, $"{kernel.Name} (CUDA) rejected:\n{log}");
        }
    }

    [ClangFact]
    public void ConstantsCanBeOverriddenWithDefines()
    {
        string[] args = Clang.OpenCLArguments.Append("-DSHARED_KERNELS_TILE=32").ToArray();
        var (code, log) = Clang.Check(TestsGenerated.OpenCLProgram, "override.cl", args);
        Assert.True(code == 0, log);
        Assert.Contains("#ifndef SHARED_KERNELS_TILE", TestsGenerated.OpenCLProgram);
        Assert.Contains("#define SHARED_KERNELS_TILE_SQUARED (SHARED_KERNELS_TILE * SHARED_KERNELS_TILE)",
            TestsGenerated.OpenCLProgram);
    }

    [Fact]
    public void KernelListMatchesTheLaunchHelpersAndParameters()
    {
        Assert.NotEmpty(TestsGenerated.All);
        for (int id = 0; id < TestsGenerated.All.Count; id++)
        {
            var kernel = TestsGenerated.All[id];
            Assert.Equal(id, kernel.Id);
            Assert.Contains("__kernel void " + kernel.Name + "(", kernel.OpenCL);
            Assert.Contains("extern \"C\" __global__ void " + kernel.Name + "(", kernel.Cuda);
            Assert.Contains(kernel.OpenCL, TestsGenerated.OpenCLProgram);
            Assert.Contains(kernel.Cuda, TestsGenerated.CudaProgram);
        }
        var axpy = TestsGenerated.All.Single(k => k.Name == "Axpy");
        Assert.Equal(new[] { "y", "x", "a", "n" }, axpy.Parameters.Select(p => p.Name));
        Assert.Equal(
            new[]
            {
                KernelParameterKind.FloatBuffer, KernelParameterKind.FloatBuffer, KernelParameterKind.Float,
                KernelParameterKind.Int,
            },
            axpy.Parameters.Select(p => p.Kind));
        Assert.False(axpy.UsesBarrier);
        Assert.True(TestsGenerated.All.Single(k => k.Name == "BlockSum").UsesBarrier);
        Assert.True(TestsGenerated.All.Single(k => k.Name == "BarrierInFunction").UsesBarrier);
    }
}
