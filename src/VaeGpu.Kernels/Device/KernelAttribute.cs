// Attributes that mark C# methods as kernels: translated to OpenCL C by VaeGpu.Kernels.Generator and
// compiled from IL to PTX by ILGPU.
namespace VaeGpu.Kernels.Device;

/// <summary>
/// Marks a static method as a device kernel entry point. Its first parameter is a
/// <see cref="KernelContext"/>; the rest are <see cref="Buf{T}"/> (float, int, uint, byte),
/// int, uint or float.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class KernelAttribute : Attribute
{
}

/// <summary>
/// Marks a static method as a device function that kernels may call (translated, not launched).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class DeviceFunctionAttribute : Attribute
{
}

/// <summary>
/// Marks a <see cref="Buf{T}"/> parameter of a device function as group-shared memory (from
/// k.Shared&lt;T&gt;(N)): OpenCL C declares it <c>__local</c>, and only shared arrays may be passed to it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class SharedAttribute : Attribute
{
}
