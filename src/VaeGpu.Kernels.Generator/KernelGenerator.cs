// The Roslyn incremental generator: finds [Kernel] and [DeviceFunction] methods, checks them against the
// supported subset, translates them to OpenCL C 1.2 (FunctionTranslator) and emits the per-assembly
// GeneratedKernels class and the typed launch helpers (Emitter). README.md documents the subset.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VaeGpu.Kernels.Generator;

/// <summary>Translates [Kernel] methods to OpenCL C and emits launch helpers and ILGPU binders.</summary>
[Generator]
public sealed class KernelGenerator : IIncrementalGenerator
{
    private const string KernelAttributeName = "VaeGpu.Kernels.Device.KernelAttribute";
    private const string DeviceFunctionAttributeName = "VaeGpu.Kernels.Device.DeviceFunctionAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<ImmutableArray<MethodDeclarationSyntax>> kernels = context.SyntaxProvider
            .ForAttributeWithMetadataName(KernelAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
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
            List<(string Hint, string Text)> files;
            List<Diagnostic> diags;
            try
            {
                files = Run(input.Left, input.Right.Left, input.Right.Right, out diags);
            }
            catch (System.Exception e)
            {
                // A translator bug: one error naming the exception, not a warning that the generator failed.
                spc.ReportDiagnostic(
                    Diagnostic.Create(Diagnostics.InternalError, Location.None, e.ToString()));
                return;
            }
            foreach ((string hint, string text) in files) spc.AddSource(hint, text);
            foreach (Diagnostic d in diags) spc.ReportDiagnostic(d);
        });
    }

    /// <summary>Translates everything; returns the generated files and the diagnostics.</summary>
    internal static List<(string Hint, string Text)> Run(Compilation compilation,
        ImmutableArray<MethodDeclarationSyntax> kernelSyntax,
        ImmutableArray<MethodDeclarationSyntax> functionSyntax, out List<Diagnostic> diagnostics)
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
            string cName = method.ContainingType.Name + "_" + method.Name;
            var info = new FunctionInfo(method, cName, isKernel: false);
            DeclarationChecks.Unique(unit, names, info, syntax);
            DeclarationChecks.Signature(unit, info, syntax);
            unit.DeviceFunctions[method] = info;
            functions.Add((info, syntax));
        }
        var kernels = new List<(FunctionInfo Info, MethodDeclarationSyntax Syntax)>();
        foreach (MethodDeclarationSyntax syntax in Sorted(kernelSyntax))
        {
            IMethodSymbol method = Symbol(compilation, syntax);
            var info = new FunctionInfo(method, method.Name, isKernel: true);
            DeclarationChecks.Unique(unit, names, info, syntax);
            info.HasHelperClass = DeclarationChecks.KernelClass(unit, method, syntax);
            DeclarationChecks.Signature(unit, info, syntax);
            kernels.Add((info, syntax));
        }
        foreach (var (info, syntax) in functions.Concat(kernels))
        {
            if (info.Failed) continue;
            (info.OpenCLPrototype, info.OpenCL) =
                FunctionTranslator.Translate(unit, info, syntax, Lang.OpenCL, report: true);
        }
        List<FunctionInfo> functionInfos = functions.Select(f => f.Info).ToList();
        List<FunctionInfo> kernelInfos = kernels.Select(k => k.Info).ToList();
        CallGraph.Check(unit, functionInfos, kernelInfos);
        files.AddRange(Emitter.Emit(unit, functionInfos, kernelInfos));
        return files;
    }

    /// <summary>Source order (file path, then position): generated ids and text are deterministic.</summary>
    private static IEnumerable<MethodDeclarationSyntax> Sorted(
        ImmutableArray<MethodDeclarationSyntax> methods) =>
        methods.OrderBy(m => m.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(m => m.SpanStart);

    private static IMethodSymbol Symbol(Compilation compilation, MethodDeclarationSyntax syntax) =>
        compilation.GetSemanticModel(syntax.SyntaxTree).GetDeclaredSymbol(syntax)!;
}
