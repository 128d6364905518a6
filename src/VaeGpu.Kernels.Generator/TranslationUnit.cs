// State shared by every function of one assembly's translation: the well-known kernel API symbols, the
// device functions (name, call graph, barrier use), the constants kernels reference, and the diagnostics.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace VaeGpu.Kernels.Generator;

/// <summary>One device function or kernel as translated for both languages.</summary>
internal sealed class FunctionInfo
{
    public FunctionInfo(IMethodSymbol method, string cName, bool isKernel)
    {
        Method = method;
        CName = cName;
        IsKernel = isKernel;
    }

    public IMethodSymbol Method { get; }
    public string CName { get; }
    public bool IsKernel { get; }
    public bool Failed { get; set; }
    public bool UsesBarrier { get; set; }
    /// <summary>False when the kernel's class cannot take launch helpers (VGK001 reported).</summary>
    public bool HasHelperClass { get; set; } = true;
    public List<IMethodSymbol> Callees { get; } = new();
    public List<(string Name, string Kind, Prim Element)> Parameters { get; } = new();
    public string OpenCLPrototype { get; set; } = "";
    public string CudaPrototype { get; set; } = "";
    public string OpenCL { get; set; } = "";
    public string Cuda { get; set; } = "";
}

internal sealed class TranslationUnit
{
    public TranslationUnit(Compilation compilation)
    {
        Compilation = compilation;
        KernelContext = compilation.GetTypeByMetadataName("VaeGpu.Kernels.Device.KernelContext");
        Buf = compilation.GetTypeByMetadataName("VaeGpu.Kernels.Device.Buf`1");
        KMath = compilation.GetTypeByMetadataName("VaeGpu.Kernels.Device.KMath");
        DeviceFunctionAttribute =
            compilation.GetTypeByMetadataName("VaeGpu.Kernels.Device.DeviceFunctionAttribute");
        KernelAttribute = compilation.GetTypeByMetadataName("VaeGpu.Kernels.Device.KernelAttribute");
        Span = compilation.GetTypeByMetadataName("VaeGpu.Kernels.Device.PrivateArray`1");
        HasIlgpu = compilation.GetTypeByMetadataName("ILGPU.Runtime.Kernel") is not null;
    }

    public Compilation Compilation { get; }
    public INamedTypeSymbol? KernelContext { get; }
    public INamedTypeSymbol? Buf { get; }
    public INamedTypeSymbol? KMath { get; }
    public INamedTypeSymbol? DeviceFunctionAttribute { get; }
    public INamedTypeSymbol? KernelAttribute { get; }
    public INamedTypeSymbol? Span { get; }

    /// <summary>True when the assembly references ILGPU: the ILGPU binders are emitted too.</summary>
    public bool HasIlgpu { get; }

    public List<Diagnostic> Diagnostics { get; } = new();

    /// <summary>Device functions by symbol (filled before any body is translated).</summary>
    public Dictionary<IMethodSymbol, FunctionInfo> DeviceFunctions { get; } =
        new(SymbolEqualityComparer.Default);

    /// <summary>Source constants used by device code, with their macro names, in first-use order.</summary>
    public Dictionary<IFieldSymbol, string> Constants { get; } = new(SymbolEqualityComparer.Default);
    public List<IFieldSymbol> ConstantOrder { get; } = new();

    public void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args) =>
        Diagnostics.Add(Diagnostic.Create(descriptor, location, args));

    public bool IsKernelContext(ITypeSymbol? type) =>
        type is not null && SymbolEqualityComparer.Default.Equals(type, KernelContext);

    /// <summary>The element type of Buf&lt;T&gt; (float, int, uint, byte), or None.</summary>
    public Prim BufElement(ITypeSymbol? type) => ElementOf(type, Buf);

    /// <summary>The element type of PrivateArray&lt;T&gt; (from k.Private&lt;T&gt;(N)), or None.</summary>
    public Prim SpanElement(ITypeSymbol? type) => ElementOf(type, Span);

    private static Prim ElementOf(ITypeSymbol? type, INamedTypeSymbol? generic)
    {
        if (type is not INamedTypeSymbol named || generic is null || named.TypeArguments.Length != 1)
            return Prim.None;
        if (!SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, generic)) return Prim.None;
        Prim element = LangSpelling.Classify(named.TypeArguments[0]);
        return element == Prim.Bool ? Prim.None : element;
    }

    public bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null) return false;
        foreach (AttributeData data in symbol.GetAttributes())
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute)) return true;
        return false;
    }

    /// <summary>Macro name of a source constant, registering it for emission on first use.</summary>
    public string ConstantMacro(IFieldSymbol field)
    {
        if (Constants.TryGetValue(field, out string? name)) return name;
        name = LangSpelling.UpperSnake(field.ContainingType.Name) + "_" + LangSpelling.UpperSnake(field.Name);
        Constants.Add(field, name);
        ConstantOrder.Add(field);
        return name;
    }
}
