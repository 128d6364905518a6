// PTX without a GPU: ILGPU's PTXBackend compiles a [Kernel] method from IL for a chosen architecture, as
// CudaAccelerator would on a device of that architecture. CI compiles every kernel for sm_70/80/90; the
// runner prints the result (`kernels --lang ptx`). The PTX's .shared and .local sizes are read back.
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using VaeGpu.Kernels.Device;

namespace VaeGpu.Kernels.Cuda;

/// <summary>One kernel compiled to PTX, with the memory its PTX declares.</summary>
public sealed record PtxKernel(
    string Name, string Architecture, string Ptx, int SharedBytes, int LocalBytes);

/// <summary>Compiles kernels to PTX with ILGPU for a given architecture (no GPU or driver needed).</summary>
public sealed partial class PtxCompiler : IDisposable
{
    private readonly Context _context;
    private readonly PTXBackend _backend;

    /// <summary>A compiler for sm_<paramref name="architecture"/> (e.g. 70, 80, 90).</summary>
    public PtxCompiler(int architecture)
    {
        var arch = new CudaArchitecture(architecture / 10, architecture % 10);
        Architecture = $"sm_{architecture}";
        _context = Context.Create(builder => builder.EnableAlgorithms());
        _backend = new PTXBackend(_context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_80,
            null);
    }

    /// <summary>The architectures CI compiles every kernel for.</summary>
    public static IReadOnlyList<int> CheckedArchitectures { get; } = [70, 80, 90];

    /// <summary>The target, as "sm_80".</summary>
    public string Architecture { get; }

    /// <summary>
    /// Compiles kernel <paramref name="source"/> of this assembly's generated kernels; throws
    /// <see cref="InvalidOperationException"/> naming the kernel when ILGPU rejects it.
    /// </summary>
    public PtxKernel Compile(KernelSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        IlgpuBinding binding = Generated.GeneratedKernels.IlgpuBindings[source.Id]
            ?? throw new InvalidOperationException($"kernel {source.Name} has no ILGPU binding");
        return Compile(source.Name, binding.Method);
    }

    /// <summary>Compiles kernel method <paramref name="method"/>, named <paramref name="name"/>.</summary>
    public PtxKernel Compile(string name, MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        string ptx;
        try
        {
            var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
            ptx = ((PTXCompiledKernel)_backend.Compile(entry, default)).PTXAssembly;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"ILGPU cannot compile kernel {name} for {Architecture}: {e.Message}", e);
        }
        return new PtxKernel(name, Architecture, ptx, Bytes(SharedDeclaration(), ptx),
            Bytes(LocalDeclaration(), ptx));
    }

    /// <summary>Total bytes the PTX declares in one state space (".shared .align 4 .b8 x[1024];").</summary>
    private static int Bytes(Regex declaration, string ptx) =>
        declaration.Matches(ptx).Sum(m =>
            int.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture)
            * int.Parse(m.Groups["bits"].Value, CultureInfo.InvariantCulture) / 8);

    [GeneratedRegex(@"\.shared\s+(?:\.align\s+\d+\s+)?\.[bsuf](?<bits>\d+)\s+[\w$]+\[(?<count>\d+)\]")]
    private static partial Regex SharedDeclaration();

    [GeneratedRegex(@"\.local\s+(?:\.align\s+\d+\s+)?\.[bsuf](?<bits>\d+)\s+[\w$]+\[(?<count>\d+)\]")]
    private static partial Regex LocalDeclaration();

    /// <inheritdoc/>
    public void Dispose()
    {
        _backend.Dispose();
        _context.Dispose();
    }
}
