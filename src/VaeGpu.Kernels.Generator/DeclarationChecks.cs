// Declaration checks of the kernel translator: unique device names, the kernel class (top-level static
// partial, so launch helpers can be added), and kernel / device-function signatures and parameter types.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VaeGpu.Kernels.Generator;

internal static class DeclarationChecks
{
    /// <summary>Device code has one namespace: kernel and device-function names must be unique.</summary>
    public static void Unique(TranslationUnit unit, Dictionary<string, IMethodSymbol> names,
        FunctionInfo info, MethodDeclarationSyntax syntax)
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

    /// <summary>True when the kernel's class can take launch helpers (top-level static partial).</summary>
    public static bool KernelClass(TranslationUnit unit, IMethodSymbol method, MethodDeclarationSyntax syntax)
    {
        if (syntax.Parent is ClassDeclarationSyntax cls && cls.Modifiers.Any(SyntaxKind.PartialKeyword) &&
            cls.Modifiers.Any(SyntaxKind.StaticKeyword) &&
            cls.Parent is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
            return true;
        Location location = syntax.Parent is ClassDeclarationSyntax named
            ? named.Identifier.GetLocation()
            : syntax.Identifier.GetLocation();
        string id = Diagnostics.ClassNotStaticPartial.Id;
        if (!unit.Diagnostics.Any(d => d.Id == id && d.Location == location))
            unit.Report(Diagnostics.ClassNotStaticPartial, location, method.ContainingType.Name);
        return false;
    }

    /// <summary>Kernel or device-function signature; fills the parameter list when it is valid.</summary>
    public static void Signature(TranslationUnit unit, FunctionInfo info, MethodDeclarationSyntax syntax)
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
            problem = "it returns '" + m.ReturnType.ToDisplayString() +
                "' (allowed: void, float, int, uint, byte, bool)";
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
