// Placeholder: the generator that translates [Kernel] methods lands with issue 6.
using Microsoft.CodeAnalysis;

namespace VaeGpu.Kernels.Generator;

/// <summary>Translates [Kernel] methods to OpenCL C and CUDA C (not yet implemented).</summary>
[Generator]
public sealed class KernelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
