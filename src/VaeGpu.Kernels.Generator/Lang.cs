// The device language we translate to (OpenCL C 1.2; ILGPU compiles the same kernels for CUDA from IL)
// and its spelling of types, ids, barriers, math and constants, kept in these tables.
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace VaeGpu.Kernels.Generator;

/// <summary>Target languages of the translator (a new one adds a member and its spellings here).</summary>
internal enum Lang
{
    OpenCL,
}

/// <summary>Primitive types kernels may use.</summary>
internal enum Prim
{
    None,
    Float,
    Int,
    UInt,
    Byte,
    Bool,
}

internal static class LangSpelling
{
    public static Prim Classify(ITypeSymbol? type) => type?.SpecialType switch
    {
        SpecialType.System_Single => Prim.Float,
        SpecialType.System_Int32 => Prim.Int,
        SpecialType.System_UInt32 => Prim.UInt,
        SpecialType.System_Byte => Prim.Byte,
        SpecialType.System_Boolean => Prim.Bool,
        _ => Prim.None,
    };

    public static string TypeName(Prim prim) => prim switch
    {
        Prim.Float => "float",
        Prim.Int => "int",
        Prim.UInt => "uint",
        Prim.Byte => "uchar",
        Prim.Bool => "bool",
        _ => throw new System.ArgumentOutOfRangeException(nameof(prim), prim, "no device type"),
    };

    /// <summary>Pointer type of a buffer parameter (global memory).</summary>
    public static string GlobalPointer(Lang lang, Prim element) =>
        "__global " + TypeName(element) + "*";

    /// <summary>Pointer type of a device function's [Shared] buffer parameter (group-shared).</summary>
    public static string SharedPointer(Lang lang, Prim element) =>
        (lang == Lang.OpenCL ? "__local " : "") + TypeName(element) + "*";

    /// <summary>The id query for a KernelContext member and dimension (0 = x, 1 = y).</summary>
    public static string IdQuery(Lang lang, string member, int dim)
    {
        string fn = member switch
        {
            "GlobalId" => "get_global_id",
            "LocalId" => "get_local_id",
            "GroupId" => "get_group_id",
            "GroupSize" => "get_local_size",
            "NumGroups" => "get_num_groups",
            _ => "get_global_size",
        };
        return "((int)" + fn + "(" + dim + "))";
    }

    public static readonly HashSet<string> IdMembers = new()
    {
        "GlobalId", "LocalId", "GroupId", "GroupSize", "NumGroups", "GlobalSize",
    };

    public static string Barrier(Lang lang) => "barrier(CLK_LOCAL_MEM_FENCE)";

    public static string SharedQualifier(Lang lang) => "__local ";

    /// <summary>KMath method name and first parameter type to the OpenCL C function name.</summary>
    public static bool TryMath(string name, Prim firstParam, out string openCL)
    {
        openCL = (name, firstParam) switch
        {
            ("Exp", _) => "exp",
            ("Log", _) => "log",
            ("Log1p", _) => "log1p",
            ("Sqrt", _) => "sqrt",
            ("Tanh", _) => "tanh",
            ("Cos", _) => "cos",
            ("Sin", _) => "sin",
            ("Pow", _) => "pow",
            ("Floor", _) => "floor",
            ("Ceil", _) => "ceil",
            ("Abs", Prim.Float) => "fabs",
            ("Max", Prim.Float) => "fmax",
            ("Min", Prim.Float) => "fmin",
            ("Max", Prim.Int) => "max",
            ("Min", Prim.Int) => "min",
            ("Fma", _) => "fma",
            ("MulHi", _) => "mul_hi",
            ("IntAsFloat", _) => "as_float",
            _ => "",
        };
        return openCL.Length > 0;
    }

    public static string FloatRemainder(Lang lang) => "fmod";

    /// <summary>A literal for a constant of a kernel type, exact for floats (round-trip digits).</summary>
    public static string? Literal(object? value)
    {
        switch (value)
        {
            case int i:
                string digits = i.ToString(CultureInfo.InvariantCulture);
                return i == int.MinValue ? "(-2147483647 - 1)" : i < 0 ? "(" + digits + ")" : digits;
            case uint u:
                return u.ToString(CultureInfo.InvariantCulture) + "u";
            case byte b:
                return "((uchar)" + b.ToString(CultureInfo.InvariantCulture) + ")";
            case bool flag:
                return flag ? "true" : "false";
            case float f:
                if (float.IsNaN(f)) return "VG_NAN";
                if (float.IsPositiveInfinity(f)) return "VG_INF";
                if (float.IsNegativeInfinity(f)) return "(-VG_INF)";
                string text = f.ToString("R", CultureInfo.InvariantCulture);
                bool negative = text.StartsWith("-", System.StringComparison.Ordinal);
                if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0) text += ".0";
                else if (text.IndexOf('.') < 0) text = text.Replace("E", ".0E");
                return negative ? "(" + text + "f)" : text + "f";
            default:
                return null;
        }
    }

    /// <summary>Names a C# identifier may not keep in OpenCL C (keywords, builtins).</summary>
    public static readonly HashSet<string> Reserved = new()
    {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
        "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
        "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
        "volatile", "while", "bool", "true", "false", "uchar", "ushort", "uint", "ulong", "half", "size_t",
        "ptrdiff_t", "intptr_t", "uintptr_t", "global", "local", "constant", "private", "kernel", "read_only",
        "write_only", "read_write", "sampler_t", "event_t", "image2d_t", "image3d_t", "new", "delete",
        "class", "this", "template", "namespace", "operator", "public", "protected", "virtual", "friend",
        "using", "typename", "asm", "threadIdx", "blockIdx", "blockDim", "gridDim", "warpSize", "exp", "expf",
        "log", "logf", "log1p", "log1pf", "sqrt", "sqrtf", "tanh", "tanhf", "cos", "cosf", "sin", "sinf",
        "fabs", "fabsf", "fmax", "fmaxf", "fmin", "fminf", "max", "min", "fma", "fmaf", "mul_hi", "pow",
        "powf", "floor", "floorf", "ceil", "ceilf", "fmod", "fmodf", "barrier", "abs", "clamp", "select",
        "dot", "mad", "native", "vec_step", "get_global_id", "get_local_id", "get_group_id", "main",
        "INFINITY", "NAN", "float2", "float4", "int2", "int4", "uint2", "uint4",
    };

    public static string SafeName(string name) =>
        Reserved.Contains(name) || name.StartsWith("__", System.StringComparison.Ordinal) ||
        name.StartsWith("VG_", System.StringComparison.Ordinal) ? name + "_" : name;

    /// <summary>PascalCase to UPPER_SNAKE for macros: TileM -> TILE_M, GemmKernels -> GEMM_KERNELS.</summary>
    public static string UpperSnake(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c) && name[i - 1] != '_' &&
                (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) ||
                 (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}
