// The Roslyn incremental generator: finds [Kernel] and [DeviceFunction] methods, checks them against the
// supported subset, translates them to OpenCL C and CUDA C (FunctionTranslator) and emits the per-assembly
// GeneratedKernels class and the typed launch helpers (Emitter). README.md documents the subset.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VaeGpu.Kernels.Generator;

/// <summary>Translates [Kernel] methods to OpenCL C and CUDA C and emits launch helpers.</summary>
[Generator]
public sealed class KernelGenerator : IIncrementalGenerator
{
    private const string KernelAttributeName = "VaeGpu.Kernels.Device.KernelAttribute";
    private const string DeviceFunctionAttributeName = "VaeGpu.Kernels.Device.DeviceFunctionAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<ImmutableArray<MethodDeclarationSyntax>> kernels = context.SyntaxProvider
            .ForAttributeWithMetadataName(KernelAttributeName, static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, _) => (MethodDeclarationSyntax)ctx.TargetNode)
            .Collect();
        IncrementalValueProvider<ImmutableArray<MethodDeclarationSyntax>> functions = context.SyntaxProvider
            .ForAttributeWithMetadataName(DeviceFunctionAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, _) => (MethodDeclarationSyntax)ctx.TargetNode)
            .Collect();
        var all = context.CompilationProvider.Combine(kernels.Combine(functions));
        context.RegisterSourceOutput(all, static (spc, input) =>
        {
            var files = Run(input.Left, input.Right.Left, input.Right.Right, out List<Diagnostic> diags);
            foreach ((string hint, string text) in files) spc.AddSource(hint, text);
            foreach (Diagnostic d in diags) spc.ReportDiagnostic(d);
        });
    }

    /// <summary>Translates everything; returns the generated files and the diagnostics.</summary>
    internal static List<(string Hint, string Text)> Run(Compilation compilation,
        ImmutableArray<MethodDeclarationSyntax> kernelSyntax, ImmutableArray<MethodDeclarationSyntax> functionSyntax,
        out List<Diagnostic> diagnostics)
    {
        var unit = new TranslationUnit(compilation);
        diagnostics = unit.Diagnostics;
        var files = new List<(string, string)>();
        if (unit.KernelAttribute is null || unit.KernelContext is null) return files;

        var names = new Dictionary<string, IMethodSymbol>();
        var functions = new List<(FunctionInfo Info, MethodDeclarationSyntax Syntax)>();
        foreach (MethodDeclarationSyntax syntax in Sorted(functionSyntax))
        {
            IMethodSymbol method = Symbol(compilation, syntax);
            var info = new FunctionInfo(method, method.ContainingType.Name + "_" + method.Name, isKernel: false);
            CheckUnique(unit, names, info, syntax);
            CheckSignature(unit, info, syntax);
            unit.DeviceFunctions[method] = info;
            functions.Add((info, syntax));
        }
        var kernels = new List<(FunctionInfo Info, MethodDeclarationSyntax Syntax)>();
        foreach (MethodDeclarationSyntax syntax in Sorted(kernelSyntax))
        {
            IMethodSymbol method = Symbol(compilation, syntax);
            var info = new FunctionInfo(method, method.Name, isKernel: true);
            CheckUnique(unit, names, info, syntax);
            CheckClass(unit, method, syntax);
            CheckSignature(unit, info, syntax);
            kernels.Add((info, syntax));
        }
        foreach (var (info, syntax) in functions.Concat(kernels))
        {
            if (info.Failed) continue;
            (info.OpenCLPrototype, info.OpenCL) = FunctionTranslator.Translate(unit, info, syntax, Lang.OpenCL, true);
            (info.CudaPrototype, info.Cuda) = FunctionTranslator.Translate(unit, info, syntax, Lang.Cuda, false);
        }
        CallGraph.Check(unit, functions.Select(f => f.Info).ToList(), kernels.Select(k => k.Info).ToList());
        files.AddRange(Emitter.Emit(unit, functions.Select(f => f.Info).ToList(), kernels.Select(k => k.Info).ToList()));
        return files;
    }

    /// <summary>Source order (file path, then position), so generated ids and text are deterministic.</summary>
    private static IEnumerable<MethodDeclarationSyntax> Sorted(ImmutableArray<MethodDeclarationSyntax> methods) =>
        methods.OrderBy(m => m.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(m => m.SpanStart);

    private static IMethodSymbol Symbol(Compilation compilation, MethodDeclarationSyntax syntax) =>
        compilation.GetSemanticModel(syntax.SyntaxTree).GetDeclaredSymbol(syntax)!;

    private static void CheckUnique(TranslationUnit unit, Dictionary<string, IMethodSymbol> names, FunctionInfo info,
        MethodDeclarationSyntax syntax)
    {
        if (names.TryGetValue(info.CName, out IMethodSymbol? other))
        {
            info.Failed = true;
            unit.Report(Diagnostics.DuplicateName, syntax.Identifier.GetLocation(), info.CName,
                other.ContainingType.ToDisplayString() + "." + other.Name);
            return;
        }
        names.Add(info.CName, info.Method);
    }

    private static void CheckClass(TranslationUnit unit, IMethodSymbol method, MethodDeclarationSyntax syntax)
    {
        if (syntax.Parent is ClassDeclarationSyntax cls && cls.Modifiers.Any(SyntaxKind.PartialKeyword) &&
            cls.Modifiers.Any(SyntaxKind.StaticKeyword) && cls.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
            return;
        SyntaxNode at = syntax.Parent is ClassDeclarationSyntax c ? c.Identifier.Parent! : syntax;
        Location location = syntax.Parent is ClassDeclarationSyntax named ? named.Identifier.GetLocation() : at.GetLocation();
        if (unit.Diagnostics.Any(d => d.Id == "VGK001" && d.Location == location)) return;
        unit.Report(Diagnostics.ClassNotStaticPartial, location, method.ContainingType.Name);
    }

    private static void CheckSignature(TranslationUnit unit, FunctionInfo info, MethodDeclarationSyntax syntax)
    {
        IMethodSymbol m = info.Method;
        string? problem = null;
        if (!m.IsStatic) problem = "it is not static";
        else if (m.IsGenericMethod) problem = "it is generic";
        else if (syntax.Body is null && syntax.ExpressionBody is null) problem = "it has no body";
        else if (info.IsKernel && !m.ReturnsVoid) problem = "it does not return void";
        else if (info.IsKernel && (m.Parameters.Length == 0 || !unit.IsKernelContext(m.Parameters[0].Type)))
            problem = "its first parameter is not a KernelContext";
        else if (!info.IsKernel && !m.ReturnsVoid && LangSpelling.Classify(m.ReturnType) == Prim.None)
            problem = "it returns '" + m.ReturnType.ToDisplayString() + "' (allowed: void, float, int, uint, byte, bool)";
        if (problem is not null)
        {
            info.Failed = true;
            unit.Report(info.IsKernel ? Diagnostics.BadKernelSignature : Diagnostics.BadDeviceFunction,
                syntax.Identifier.GetLocation(), m.Name, problem);
            return;
        }
        for (int i = info.IsKernel ? 1 : 0; i < m.Parameters.Length; i++)
        {
            IParameterSymbol p = m.Parameters[i];
            Prim prim = LangSpelling.Classify(p.Type);
            Prim element = unit.BufElement(p.Type);
            bool scalarOk = info.IsKernel ? prim is Prim.Float or Prim.Int or Prim.UInt : prim != Prim.None;
            bool ok = p.RefKind == RefKind.None && !p.HasExplicitDefaultValue && !p.IsParams &&
                (scalarOk || element != Prim.None || (!info.IsKernel && unit.IsKernelContext(p.Type)));
            if (ok)
            {
                string kind = element != Prim.None ? element + "Buffer" : prim.ToString();
                if (!unit.IsKernelContext(p.Type)) info.Parameters.Add((p.Name, kind, element));
                continue;
            }
            info.Failed = true;
            Location location = p.Locations.FirstOrDefault() ?? syntax.Identifier.GetLocation();
            string type = (p.RefKind == RefKind.None ? "" : p.RefKind.ToString().ToLowerInvariant() + " ") +
                p.Type.ToDisplayString() + (p.HasExplicitDefaultValue ? " with a default value" : "");
            unit.Diagnostics.Add(Diagnostic.Create(Diagnostics.BadParameterType, location, p.Name, type));
        }
    }
}
