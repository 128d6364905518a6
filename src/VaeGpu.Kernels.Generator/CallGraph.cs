// Checks the calls between device functions: no recursion (device code has no call stack to speak of),
// kernels calling a broken device function are not emitted, and barrier use propagates to the kernel.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace VaeGpu.Kernels.Generator;

internal static class CallGraph
{
    public static void Check(TranslationUnit unit, List<FunctionInfo> functions, List<FunctionInfo> kernels)
    {
        foreach (FunctionInfo f in functions)
        {
            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            List<string>? cycle = FindPath(unit, f, f.Method, visited);
            if (cycle is null) continue;
            f.Failed = true;
            unit.Report(Diagnostics.Recursion, f.Method.Locations.FirstOrDefault(), f.Method.Name,
                f.Method.Name + " -> " + string.Join(" -> ", cycle));
        }
        foreach (FunctionInfo k in functions.Concat(kernels))
        {
            var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            var stack = new Stack<IMethodSymbol>(k.Callees);
            while (stack.Count > 0)
            {
                IMethodSymbol m = stack.Pop();
                if (!seen.Add(m) || !unit.DeviceFunctions.TryGetValue(m, out FunctionInfo? callee)) continue;
                if (callee.Failed) k.Failed = true;
                if (callee.UsesBarrier) k.UsesBarrier = true;
                foreach (IMethodSymbol next in callee.Callees) stack.Push(next);
            }
        }
    }

    /// <summary>A call path from <paramref name="from"/> to <paramref name="target"/>, or null.</summary>
    private static List<string>? FindPath(TranslationUnit unit, FunctionInfo from, IMethodSymbol target,
        HashSet<IMethodSymbol> visited)
    {
        foreach (IMethodSymbol callee in from.Callees)
        {
            if (SymbolEqualityComparer.Default.Equals(callee, target))
                return new List<string> { callee.Name };
            if (!visited.Add(callee) || !unit.DeviceFunctions.TryGetValue(callee, out FunctionInfo? next))
                continue;
            List<string>? rest = FindPath(unit, next, target, visited);
            if (rest is null) continue;
            rest.Insert(0, callee.Name);
            return rest;
        }
        return null;
    }
}
