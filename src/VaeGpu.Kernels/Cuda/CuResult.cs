// Status codes of the CUDA driver API. Members carry CUDA's own names so that messages and the
// NVIDIA documentation use the same words (cuGetErrorName returns exactly these strings).
namespace VaeGpu.Kernels.Cuda;

#pragma warning disable CA1707 // underscores: the names are CUDA's, on purpose
/// <summary>CUresult: the status every driver API call returns.</summary>
public enum CuResult
{
    /// <summary>No error.</summary>
    CUDA_SUCCESS = 0,
    /// <summary>An argument was out of range.</summary>
    CUDA_ERROR_INVALID_VALUE = 1,
    /// <summary>Device memory exhausted.</summary>
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    /// <summary>cuInit was not called or failed.</summary>
    CUDA_ERROR_NOT_INITIALIZED = 3,
    /// <summary>The driver is shutting down.</summary>
    CUDA_ERROR_DEINITIALIZED = 4,
    /// <summary>A stub libcuda (from the toolkit, not the driver) was loaded.</summary>
    CUDA_ERROR_STUB_LIBRARY = 34,
    /// <summary>The installed driver is older than the runtime needs.</summary>
    CUDA_ERROR_INSUFFICIENT_DRIVER = 35,
    /// <summary>The device is in use or prohibited.</summary>
    CUDA_ERROR_DEVICE_UNAVAILABLE = 46,
    /// <summary>No CUDA-capable device is present.</summary>
    CUDA_ERROR_NO_DEVICE = 100,
    /// <summary>The device ordinal is not valid.</summary>
    CUDA_ERROR_INVALID_DEVICE = 101,
    /// <summary>The device cannot run CUDA (licence).</summary>
    CUDA_ERROR_DEVICE_NOT_LICENSED = 102,
    /// <summary>The module image is not valid.</summary>
    CUDA_ERROR_INVALID_IMAGE = 200,
    /// <summary>No valid context is current.</summary>
    CUDA_ERROR_INVALID_CONTEXT = 201,
    /// <summary>No kernel image fits this GPU.</summary>
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    /// <summary>Uncorrectable ECC error.</summary>
    CUDA_ERROR_ECC_UNCORRECTABLE = 214,
    /// <summary>PTX JIT compilation failed.</summary>
    CUDA_ERROR_INVALID_PTX = 218,
    /// <summary>The PTX JIT compiler is missing.</summary>
    CUDA_ERROR_JIT_COMPILER_NOT_FOUND = 221,
    /// <summary>The PTX is newer than this driver understands.</summary>
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    /// <summary>PTX JIT is disabled.</summary>
    CUDA_ERROR_JIT_COMPILATION_DISABLED = 223,
    /// <summary>The source is not valid.</summary>
    CUDA_ERROR_INVALID_SOURCE = 300,
    /// <summary>A file was not found.</summary>
    CUDA_ERROR_FILE_NOT_FOUND = 301,
    /// <summary>An OS call failed.</summary>
    CUDA_ERROR_OPERATING_SYSTEM = 304,
    /// <summary>A handle is not valid.</summary>
    CUDA_ERROR_INVALID_HANDLE = 400,
    /// <summary>The call is not valid in this state.</summary>
    CUDA_ERROR_ILLEGAL_STATE = 401,
    /// <summary>A named symbol (kernel) was not found.</summary>
    CUDA_ERROR_NOT_FOUND = 500,
    /// <summary>Asynchronous work has not completed.</summary>
    CUDA_ERROR_NOT_READY = 600,
    /// <summary>A kernel accessed an invalid address.</summary>
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    /// <summary>Too many registers or threads for the launch.</summary>
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    /// <summary>The kernel ran too long (display watchdog).</summary>
    CUDA_ERROR_LAUNCH_TIMEOUT = 702,
    /// <summary>The primary context is already active with other flags.</summary>
    CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE = 708,
    /// <summary>The context was destroyed.</summary>
    CUDA_ERROR_CONTEXT_IS_DESTROYED = 709,
    /// <summary>A device-side assert fired.</summary>
    CUDA_ERROR_ASSERT = 710,
    /// <summary>Hardware stack error in a kernel.</summary>
    CUDA_ERROR_HARDWARE_STACK_ERROR = 714,
    /// <summary>A kernel ran an illegal instruction.</summary>
    CUDA_ERROR_ILLEGAL_INSTRUCTION = 715,
    /// <summary>A kernel made a misaligned access.</summary>
    CUDA_ERROR_MISALIGNED_ADDRESS = 716,
    /// <summary>A kernel used an address in the wrong space.</summary>
    CUDA_ERROR_INVALID_ADDRESS_SPACE = 717,
    /// <summary>A kernel's program counter went wrong.</summary>
    CUDA_ERROR_INVALID_PC = 718,
    /// <summary>A kernel faulted.</summary>
    CUDA_ERROR_LAUNCH_FAILED = 719,
    /// <summary>The operation is not permitted.</summary>
    CUDA_ERROR_NOT_PERMITTED = 800,
    /// <summary>The operation is not supported.</summary>
    CUDA_ERROR_NOT_SUPPORTED = 801,
    /// <summary>The system is not ready (e.g. fabric manager).</summary>
    CUDA_ERROR_SYSTEM_NOT_READY = 802,
    /// <summary>Kernel driver and user-space driver versions differ.</summary>
    CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803,
    /// <summary>Forward compatibility is not supported on this device.</summary>
    CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE = 804,
    /// <summary>Unknown error.</summary>
    CUDA_ERROR_UNKNOWN = 999,
}

/// <summary>nvrtcResult: the status every NVRTC call returns.</summary>
public enum NvrtcResult
{
    /// <summary>No error.</summary>
    NVRTC_SUCCESS = 0,
    /// <summary>Host memory exhausted.</summary>
    NVRTC_ERROR_OUT_OF_MEMORY = 1,
    /// <summary>The program could not be created.</summary>
    NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
    /// <summary>An argument was not valid.</summary>
    NVRTC_ERROR_INVALID_INPUT = 3,
    /// <summary>The program handle was not valid.</summary>
    NVRTC_ERROR_INVALID_PROGRAM = 4,
    /// <summary>A compile option was not valid (e.g. an unknown architecture).</summary>
    NVRTC_ERROR_INVALID_OPTION = 5,
    /// <summary>The source did not compile; see the log.</summary>
    NVRTC_ERROR_COMPILATION = 6,
    /// <summary>A builtin operation failed.</summary>
    NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
    /// <summary>Name expressions were added after compilation.</summary>
    NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8,
    /// <summary>Lowered names were asked for before compilation.</summary>
    NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9,
    /// <summary>A name expression was not valid.</summary>
    NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10,
    /// <summary>NVRTC internal error.</summary>
    NVRTC_ERROR_INTERNAL_ERROR = 11,
}
#pragma warning restore CA1707
