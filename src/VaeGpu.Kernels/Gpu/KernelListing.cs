// What each compiler made of the [Kernel] methods, for `kernels --lang opencl|ptx`: the generated OpenCL C
// (our translator, at build time) and the PTX that ILGPU compiles from IL (here, for a chosen architecture,
// without a GPU). The runner only prints these.
using VaeGpu.Kernels.Cuda;
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Generated;

namespace VaeGpu.Kernels.Gpu;

/// <summary>The kernels of VaeGpu.Kernels and their compiled forms.</summary>
public static class KernelListing
{
    /// <summary>Every kernel (name, parameters, OpenCL C text).</summary>
    public static IReadOnlyList<KernelSource> All => GeneratedKernels.All;

    /// <summary>The whole OpenCL C 1.2 program the OpenCL backend builds.</summary>
    public static string OpenCLProgram => GeneratedKernels.OpenCLProgram;

    /// <summary>
    /// The PTX ILGPU makes of <paramref name="kernels"/> for sm_<paramref name="architecture"/>, each
    /// kernel a module of its own, headed by a comment line with its .shared and .local sizes.
    /// </summary>
    public static string Ptx(IEnumerable<KernelSource> kernels, int architecture)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        if (architecture < 30 || architecture > 129)
            throw new ArgumentOutOfRangeException(nameof(architecture), architecture,
                "a CUDA architecture such as 70, 80 or 90");
        using var compiler = new PtxCompiler(architecture);
        var text = new System.Text.StringBuilder();
        foreach (KernelSource source in kernels)
        {
            PtxKernel ptx = compiler.Compile(source);
            text.Append("// kernel ").Append(ptx.Name).Append(" for ").Append(ptx.Architecture)
                .Append(" by ILGPU: .shared ").Append(ptx.SharedBytes).Append(" B, .local ")
                .Append(ptx.LocalBytes).Append(" B\n").Append(ptx.Ptx).Append('\n');
        }
        return text.ToString();
    }
}
