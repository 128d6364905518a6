// The per-language preludes every generated program starts with. OpenCL C 1.2 needs almost nothing. CUDA C
// gets uint/uchar and the id macros; when compiled without CUDA headers (clang -nocudainc, used by the
// tests for a syntax check) it also declares the few device builtins kernels use. NVRTC has them built in.
namespace VaeGpu.Kernels.Generator;

internal static class Preludes
{
    public const string OpenCL =
@"// VaeGpu generated OpenCL C 1.2 (from C# [Kernel] methods; do not edit).
#define VG_INF INFINITY
#define VG_NAN NAN
";

    public const string Cuda =
@"// VaeGpu generated CUDA C (from C# [Kernel] methods; do not edit).
typedef unsigned int uint;
typedef unsigned char uchar;
#if defined(__CUDACC_RTC__) || defined(__CLANG_CUDA_RUNTIME_WRAPPER_H__) || defined(__CUDA_RUNTIME_H__)
#define VG_TID_X ((int)threadIdx.x)
#define VG_TID_Y ((int)threadIdx.y)
#define VG_NTID_X ((int)blockDim.x)
#define VG_NTID_Y ((int)blockDim.y)
#define VG_CTAID_X ((int)blockIdx.x)
#define VG_CTAID_Y ((int)blockIdx.y)
#define VG_NCTAID_X ((int)gridDim.x)
#define VG_NCTAID_Y ((int)gridDim.y)
#define VG_INF __int_as_float(0x7f800000)
#define VG_NAN __int_as_float(0x7fffffff)
#else
// No CUDA headers (clang -x cuda -nocudainc): stand-ins for the declarations they would provide.
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define VG_TID_X ((int)__nvvm_read_ptx_sreg_tid_x())
#define VG_TID_Y ((int)__nvvm_read_ptx_sreg_tid_y())
#define VG_NTID_X ((int)__nvvm_read_ptx_sreg_ntid_x())
#define VG_NTID_Y ((int)__nvvm_read_ptx_sreg_ntid_y())
#define VG_CTAID_X ((int)__nvvm_read_ptx_sreg_ctaid_x())
#define VG_CTAID_Y ((int)__nvvm_read_ptx_sreg_ctaid_y())
#define VG_NCTAID_X ((int)__nvvm_read_ptx_sreg_nctaid_x())
#define VG_NCTAID_Y ((int)__nvvm_read_ptx_sreg_nctaid_y())
#define VG_INF __builtin_inff()
#define VG_NAN __builtin_nanf("""")
__device__ float expf(float); __device__ float logf(float); __device__ float log1pf(float);
__device__ float sqrtf(float); __device__ float tanhf(float); __device__ float cosf(float);
__device__ float sinf(float); __device__ float powf(float, float); __device__ float floorf(float);
__device__ float ceilf(float); __device__ float fabsf(float); __device__ float fmaxf(float, float);
__device__ float fminf(float, float); __device__ float fmaf(float, float, float);
__device__ float fmodf(float, float); __device__ int max(int, int); __device__ int min(int, int);
__device__ uint __umulhi(uint, uint); __device__ void __syncthreads(void);
#endif
";
}
