// (b) The generated OpenCL C 1.2 programs are accepted as is by clang's OpenCL front end, for the test
// kernels and for the VaeGpu.Kernels kernels, also with a constant overridden the way a backend would
// (-D). (CUDA is compiled by ILGPU from IL: Cuda/PtxCompileTests.)
using KernelsGenerated = VaeGpu.Kernels.Generated.GeneratedKernels;
using TestsGenerated = VaeGpu.Tests.Generated.GeneratedKernels;

using VaeGpu.Kernels.Device;

namespace VaeGpu.Tests.Translator;

public sealed class GeneratedCodeCompilesTests
{
    public static TheoryData<string> Programs => new() { "tests", "kernels" };

    private static string Program(string which) =>
        which == "tests" ? TestsGenerated.OpenCLProgram : KernelsGenerated.OpenCLProgram;

    [ClangTheory]
    [MemberData(nameof(Programs))]
    public void OpenCLProgramCompilesAsOpenCL12(string which)
    {
        var (code, log) = Clang.Check(Program(which), "program.cl", Clang.OpenCLArguments);
        Assert.True(code == 0, $"clang rejected the {which} OpenCL program:\n{log}");
    }

    [ClangFact]
    public void EachKernelCompilesOnItsOwnAfterTheCommonPart()
    {
        foreach (var kernel in TestsGenerated.All)
        {
            string openCL = TestsGenerated.OpenCLCommon + kernel.OpenCL;
            var (code, log) = Clang.Check(openCL, "one.cl", Clang.OpenCLArguments);
            Assert.True(code == 0, $"{kernel.Name} (OpenCL) rejected:\n{log}");
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
            Assert.Contains(kernel.OpenCL, TestsGenerated.OpenCLProgram);
            Assert.NotNull(TestsGenerated.IlgpuBindings[id]);
            Assert.Equal(kernel.Name, TestsGenerated.IlgpuBindings[id]!.Method.Name);
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
