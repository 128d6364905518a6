// The prelude every generated OpenCL C 1.2 program starts with: it needs almost nothing. (CUDA needs no
// prelude: ILGPU compiles the kernels for it from IL.)
namespace VaeGpu.Kernels.Generator;

internal static class Preludes
{
    public const string OpenCL =
@"// VaeGpu generated OpenCL C 1.2 (from C# [Kernel] methods; do not edit).
// No contraction of a * b + c into fma: kernels ask for fma where they mean it (KMath.Fma), so every
// other expression rounds as it does in C# on the cpu backend.
#pragma OPENCL FP_CONTRACT OFF
#define VG_INF INFINITY
#define VG_NAN NAN
";
}
