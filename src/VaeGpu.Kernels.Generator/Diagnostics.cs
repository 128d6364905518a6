// Every error the kernel translator reports. Each points at the offending syntax node; a kernel with any
// of these is not emitted, so unsupported C# never turns into silently wrong device code.
using Microsoft.CodeAnalysis;

namespace VaeGpu.Kernels.Generator;

internal static class Diagnostics
{
    private const string Category = "VaeGpu.Kernels";

    private static DiagnosticDescriptor Error(string id, string title, string format) =>
        new(id, title, format, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ClassNotStaticPartial = Error("VGK001",
        "Kernel class must be a top-level static partial class",
        "Class '{0}' holds [Kernel] methods, so it must be a top-level 'static partial' class " +
        "(the generator adds launch helpers to it)");

    public static readonly DiagnosticDescriptor BadKernelSignature = Error("VGK002",
        "Invalid kernel signature",
        "Kernel '{0}': {1}; expected 'static void {0}(KernelContext k, ...)'");

    public static readonly DiagnosticDescriptor BadParameterType = Error("VGK003",
        "Unsupported parameter type",
        "Parameter '{0}' has type '{1}'; kernels take Buf<float|int|uint|byte>, int, uint or float " +
        "(device functions also KernelContext)");

    public static readonly DiagnosticDescriptor UnsupportedStatement = Error("VGK004",
        "Unsupported statement in a kernel",
        "'{0}' statements cannot be translated to OpenCL C / CUDA C");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Error("VGK005",
        "Unsupported expression in a kernel",
        "{0} cannot be translated to OpenCL C / CUDA C");

    public static readonly DiagnosticDescriptor UnsupportedType = Error("VGK006",
        "Unsupported type in a kernel",
        "Type '{0}' is not supported in kernels (use float, int, uint, byte or bool{1})");

    public static readonly DiagnosticDescriptor UnsupportedCall = Error("VGK007",
        "Call to a method kernels cannot call",
        "'{0}' is not a [DeviceFunction], a KMath function or a KernelContext member, " +
        "so kernels cannot call it");

    public static readonly DiagnosticDescriptor Recursion = Error("VGK008",
        "Recursive device function",
        "Device function '{0}' is recursive ({1}); OpenCL C and CUDA device code do not allow recursion");

    public static readonly DiagnosticDescriptor BadShared = Error("VGK009",
        "Invalid group-shared array",
        "k.Shared<T>(N) {0}");

    public static readonly DiagnosticDescriptor BadPrivateArray = Error("VGK010",
        "Invalid private array",
        "Private arrays are written 'var name = k.Private<T>(N);' with a constant N > 0 " +
        "(stackalloc/Span: ILGPU cannot compile them): {0}");

    public static readonly DiagnosticDescriptor DuplicateName = Error("VGK011",
        "Duplicate kernel name",
        "'{0}' is already the name of another kernel or device function in this assembly ({1}); " +
        "device code has one namespace");

    public static readonly DiagnosticDescriptor BadDimension = Error("VGK012",
        "Dimension must be the constant 0 or 1",
        "The dimension argument of k.{0} must be the constant 0 or 1");

    public static readonly DiagnosticDescriptor BadDeviceFunction = Error("VGK013",
        "Invalid device function",
        "Device function '{0}': {1}");

    public static readonly DiagnosticDescriptor InternalError = Error("VGK099",
        "Kernel translator bug",
        "The kernel translator failed (a bug in VaeGpu.Kernels.Generator; please report it): {0}");

    public static readonly DiagnosticDescriptor BadBufferUse = Error("VGK014",
        "Unsupported use of a buffer",
        "{0}");
}
