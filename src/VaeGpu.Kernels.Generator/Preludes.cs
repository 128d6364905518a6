// The prelude every generated OpenCL C 1.2 program starts with: it needs almost nothing. (CUDA needs no
// prelude: ILGPU compiles the kernels for it from IL.)
namespace VaeGpu.Kernels.Generator;

internal static class Preludes
{
    public const string OpenCL =
@"// VaeGpu generated OpenCL C 1.2 (from C# [Kernel] methods; do not edit).
#define VG_INF INFINITY
#define VG_NAN NAN
";
}
