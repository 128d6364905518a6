// Every status code an OpenCL 1.2 (and later) entry point can return, and its CL_ name for messages.
namespace VaeGpu.Kernels.OpenCL;

/// <summary>An OpenCL status code (cl_int); names follow the C constants without the CL_ prefix.</summary>
public enum ClStatus
{
// The names are the documentation: each is the CL_ constant of the same value.
#pragma warning disable CS1591
    Success = 0, DeviceNotFound = -1, DeviceNotAvailable = -2, CompilerNotAvailable = -3,
    MemObjectAllocationFailure = -4, OutOfResources = -5,
    OutOfHostMemory = -6, ProfilingInfoNotAvailable = -7, MemCopyOverlap = -8, ImageFormatMismatch = -9,
    ImageFormatNotSupported = -10, BuildProgramFailure = -11,
    MapFailure = -12, MisalignedSubBufferOffset = -13,
    ExecStatusErrorForEventsInWaitList = -14, CompileProgramFailure = -15,
    LinkerNotAvailable = -16, LinkProgramFailure = -17,
    DevicePartitionFailed = -18, KernelArgInfoNotAvailable = -19,
    InvalidValue = -30, InvalidDeviceType = -31, InvalidPlatform = -32, InvalidDevice = -33,
    InvalidContext = -34, InvalidQueueProperties = -35, InvalidCommandQueue = -36, InvalidHostPtr = -37,
    InvalidMemObject = -38, InvalidImageFormatDescriptor = -39, InvalidImageSize = -40, InvalidSampler = -41,
    InvalidBinary = -42, InvalidBuildOptions = -43, InvalidProgram = -44, InvalidProgramExecutable = -45,
    InvalidKernelName = -46, InvalidKernelDefinition = -47, InvalidKernel = -48, InvalidArgIndex = -49,
    InvalidArgValue = -50, InvalidArgSize = -51, InvalidKernelArgs = -52, InvalidWorkDimension = -53,
    InvalidWorkGroupSize = -54, InvalidWorkItemSize = -55,
    InvalidGlobalOffset = -56, InvalidEventWaitList = -57, InvalidEvent = -58, InvalidOperation = -59,
    InvalidGlObject = -60, InvalidBufferSize = -61, InvalidMipLevel = -62, InvalidGlobalWorkSize = -63,
    InvalidProperty = -64, InvalidImageDescriptor = -65,
    InvalidCompilerOptions = -66, InvalidLinkerOptions = -67,
    InvalidDevicePartitionCount = -68, InvalidPipeSize = -69, InvalidDeviceQueue = -70, InvalidSpecId = -71,
    MaxSizeRestrictionExceeded = -72, PlatformNotFoundKhr = -1001,
#pragma warning restore CS1591
}

/// <summary>Turns a status into the name of its C constant.</summary>
public static class ClStatusNames
{
    /// <summary>
    /// "CL_BUILD_PROGRAM_FAILURE (-11)" for a known code, "unknown OpenCL status N" otherwise.
    /// </summary>
    public static string Describe(ClStatus status)
    {
        if (!Enum.IsDefined(status)) return $"unknown OpenCL status {(int)status}";
        var name = status.ToString();
        var builder = new System.Text.StringBuilder("CL_", name.Length + 12);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) builder.Append('_');
            builder.Append(char.ToUpperInvariant(name[i]));
        }
        return $"{builder} ({(int)status})";
    }
}
