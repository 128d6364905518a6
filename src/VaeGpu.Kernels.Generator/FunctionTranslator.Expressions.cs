// Expression translation: C# expressions of the kernel subset to OpenCL C / CUDA C text. Binary and
// conditional results are fully parenthesized; shifts mask their count like C# does; float % is fmod;
// constants from source stay macros (so a backend can override them), metadata constants become literals.
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VaeGpu.Kernels.Generator;

internal sealed partial class FunctionTranslator
{
    private string Expr(ExpressionSyntax e)
    {
        if (e is AssignmentExpressionSyntax assignment) return Assignment(assignment); // checks its target
        if (!CheckType(e)) return "/*error*/0";
        switch (e)
        {
            case ParenthesizedExpressionSyntax p:
                return Expr(p.Expression); // every compound translation is parenthesized already
            case LiteralExpressionSyntax literal:
                return Literal(literal);
            case IdentifierNameSyntax id:
                return Identifier(id);
            case MemberAccessExpressionSyntax member:
                return ConstantReference(member, member.Name.Identifier.Text);
            case BinaryExpressionSyntax binary:
                return Binary(binary);
            case PrefixUnaryExpressionSyntax prefix:
                return Prefix(prefix);
            case PostfixUnaryExpressionSyntax postfix
                when postfix.IsKind(SyntaxKind.PostIncrementExpression) ||
                    postfix.IsKind(SyntaxKind.PostDecrementExpression):
                return "(" + Lvalue(postfix.Operand) + postfix.OperatorToken.Text + ")";
            case ConditionalExpressionSyntax conditional:
                return "(" + Expr(conditional.Condition) + " ? " + Expr(conditional.WhenTrue) + " : " +
                    Expr(conditional.WhenFalse) + ")";
            case CastExpressionSyntax cast:
                return Cast(cast);
            case ElementAccessExpressionSyntax access:
                return ElementAccess(access);
            case InvocationExpressionSyntax invocation:
                return Invocation(invocation);
            case CheckedExpressionSyntax uncheckedExpr
                when uncheckedExpr.IsKind(SyntaxKind.UncheckedExpression):
                return "(" + Expr(uncheckedExpr.Expression) + ")";
            default:
                return Unsupported(e, Describe(e));
        }
    }

    private static string Describe(SyntaxNode node) =>
        "'" + node.Kind().ToString().Replace("Expression", " expression").Replace("Syntax", "") + "' (" +
        Shorten(node.ToString()) + ")";

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";

    private string Unsupported(SyntaxNode node, string what)
    {
        Report(Diagnostics.UnsupportedExpression, node, what);
        return "/*error*/0";
    }

    /// <summary>Reports a type outside the subset (its own type, or the type C# converts it to).</summary>
    private bool CheckType(ExpressionSyntax e)
    {
        TypeInfo info = Model.GetTypeInfo(e);
        foreach (ITypeSymbol? type in new[] { info.Type, info.ConvertedType })
        {
            if (type is null || LangSpelling.Classify(type) != Prim.None) continue;
            if (type.SpecialType == SpecialType.System_Void) continue;
            if (e is IdentifierNameSyntax && (Unit.BufElement(type) != Prim.None ||
                Unit.SpanElement(type) != Prim.None || Unit.IsKernelContext(type))) continue;
            if (e is InvocationExpressionSyntax && Unit.BufElement(type) != Prim.None) continue;
            Report(Diagnostics.UnsupportedType, e, type.ToDisplayString(),
                type.SpecialType is SpecialType.System_Int64 or SpecialType.System_UInt64
                    ? "; mixing int and uint makes long in C#: cast one side" : "");
            return false;
        }
        return true;
    }

    private string Literal(LiteralExpressionSyntax literal)
    {
        Optional<object?> value = Model.GetConstantValue(literal);
        string? text = value.HasValue ? LangSpelling.Literal(value.Value) : null;
        return text ?? Unsupported(literal, Describe(literal));
    }

    private string Identifier(IdentifierNameSyntax id)
    {
        ISymbol? symbol = Model.GetSymbolInfo(id).Symbol;
        switch (symbol)
        {
            case ILocalSymbol { IsConst: true } local:
                return LangSpelling.Literal(local.ConstantValue) ?? Unsupported(id, Describe(id));
            case ILocalSymbol local:
                return NameOf(local);
            case IParameterSymbol parameter when Unit.IsKernelContext(parameter.Type):
                return Unsupported(id, "Using the KernelContext other than to call its members");
            case IParameterSymbol parameter:
                return NameOf(parameter);
            default:
                return ConstantReference(id, id.Identifier.Text);
        }
    }

    /// <summary>A const field: a macro when declared in source, else its value as a literal.</summary>
    private string ConstantReference(ExpressionSyntax e, string name)
    {
        if (Model.GetSymbolInfo(e).Symbol is not IFieldSymbol { IsConst: true } field)
            return Unsupported(e, "'" + name + "' (only locals, parameters and const fields may be used)");
        if (field.DeclaringSyntaxReferences.Length == 0 || field.ContainingType.TypeKind != TypeKind.Class)
            return LangSpelling.Literal(field.ConstantValue) ?? Unsupported(e, "Constant '" + name + "'");
        if (LangSpelling.Classify(field.Type) is Prim.None or Prim.Bool or Prim.Byte)
        {
            Report(Diagnostics.UnsupportedType, e, field.Type.ToDisplayString(),
                "; const fields: int, uint, float");
            return "/*error*/0";
        }
        return Unit.ConstantMacro(field);
    }

    private string Binary(BinaryExpressionSyntax b)
    {
        SyntaxKind kind = b.Kind();
        Prim left = LangSpelling.Classify(Model.GetTypeInfo(b.Left).ConvertedType);
        switch (kind)
        {
            case SyntaxKind.AddExpression: case SyntaxKind.SubtractExpression:
            case SyntaxKind.MultiplyExpression: case SyntaxKind.DivideExpression:
            case SyntaxKind.BitwiseAndExpression: case SyntaxKind.BitwiseOrExpression:
            case SyntaxKind.ExclusiveOrExpression: case SyntaxKind.LogicalAndExpression:
            case SyntaxKind.LogicalOrExpression: case SyntaxKind.EqualsExpression:
            case SyntaxKind.NotEqualsExpression: case SyntaxKind.LessThanExpression:
            case SyntaxKind.LessThanOrEqualExpression: case SyntaxKind.GreaterThanExpression:
            case SyntaxKind.GreaterThanOrEqualExpression:
                return "(" + Expr(b.Left) + " " + b.OperatorToken.Text + " " + Expr(b.Right) + ")";
            case SyntaxKind.ModuloExpression:
                return left == Prim.Float
                    ? LangSpelling.FloatRemainder(Lang) + "(" + Expr(b.Left) + ", " + Expr(b.Right) + ")"
                    : "(" + Expr(b.Left) + " % " + Expr(b.Right) + ")";
            case SyntaxKind.LeftShiftExpression: case SyntaxKind.RightShiftExpression:
                return "(" + Expr(b.Left) + " " + b.OperatorToken.Text + " " + ShiftCount(b.Right) + ")";
            case SyntaxKind.UnsignedRightShiftExpression:
                return left == Prim.UInt
                    ? "(" + Expr(b.Left) + " >> " + ShiftCount(b.Right) + ")"
                    : "((int)((uint)" + Expr(b.Left) + " >> " + ShiftCount(b.Right) + "))";
            default:
                return Unsupported(b, Describe(b));
        }
    }

    /// <summary>C# uses the low 5 bits of a 32-bit shift count; C leaves counts >= 32 undefined.</summary>
    private string ShiftCount(ExpressionSyntax count)
    {
        Optional<object?> value = Model.GetConstantValue(count);
        if (value.HasValue && value.Value is int c)
            return (c & 31).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "(" + Expr(count) + " & 31)";
    }

    private string Prefix(PrefixUnaryExpressionSyntax p)
    {
        switch (p.Kind())
        {
            case SyntaxKind.UnaryMinusExpression:
                Optional<object?> value = Model.GetConstantValue(p);
                if (value.HasValue && value.Value is int or uint && p.Operand is LiteralExpressionSyntax)
                    return LangSpelling.Literal(value.Value)!;
                return "(-" + Expr(p.Operand) + ")";
            case SyntaxKind.UnaryPlusExpression: case SyntaxKind.LogicalNotExpression:
            case SyntaxKind.BitwiseNotExpression:
                return "(" + p.OperatorToken.Text + Expr(p.Operand) + ")";
            case SyntaxKind.PreIncrementExpression: case SyntaxKind.PreDecrementExpression:
                return "(" + p.OperatorToken.Text + Lvalue(p.Operand) + ")";
            default:
                return Unsupported(p, Describe(p));
        }
    }

    /// <summary>Target of an assignment or ++/--: a primitive local or parameter, or an element.</summary>
    private string Lvalue(ExpressionSyntax target)
    {
        ExpressionSyntax inner = target;
        while (inner is ParenthesizedExpressionSyntax p) inner = p.Expression;
        ISymbol? symbol = Model.GetSymbolInfo(inner).Symbol;
        bool ok = inner is ElementAccessExpressionSyntax ||
            (symbol is ILocalSymbol { IsConst: false } local &&
                LangSpelling.Classify(local.Type) != Prim.None) ||
            (symbol is IParameterSymbol parameter && LangSpelling.Classify(parameter.Type) != Prim.None);
        if (!ok)
        {
            Report(Diagnostics.BadBufferUse, target,
                "Only primitive locals, parameters and buffer or array elements can change ('" +
                Shorten(target.ToString()) + "'; buffers and arrays cannot be reassigned)");
            return "/*error*/0";
        }
        return Expr(target);
    }

    private string Assignment(AssignmentExpressionSyntax a)
    {
        string target = Lvalue(a.Left);
        Prim left = LangSpelling.Classify(Model.GetTypeInfo(a.Left).Type);
        switch (a.Kind())
        {
            case SyntaxKind.ModuloAssignmentExpression when left == Prim.Float:
                if (a.Left is not IdentifierNameSyntax)
                    return Unsupported(a, "Float '%=' on an element (use a local)");
                return "(" + target + " = " + LangSpelling.FloatRemainder(Lang) + "(" + target + ", " +
                    Expr(a.Right) + "))";
            case SyntaxKind.LeftShiftAssignmentExpression: case SyntaxKind.RightShiftAssignmentExpression:
                return "(" + target + " " + a.OperatorToken.Text + " " + ShiftCount(a.Right) + ")";
            case SyntaxKind.UnsignedRightShiftAssignmentExpression when left == Prim.UInt:
                return "(" + target + " >>= " + ShiftCount(a.Right) + ")";
            case SyntaxKind.SimpleAssignmentExpression: case SyntaxKind.AddAssignmentExpression:
            case SyntaxKind.SubtractAssignmentExpression: case SyntaxKind.MultiplyAssignmentExpression:
            case SyntaxKind.DivideAssignmentExpression: case SyntaxKind.ModuloAssignmentExpression:
            case SyntaxKind.AndAssignmentExpression: case SyntaxKind.OrAssignmentExpression:
            case SyntaxKind.ExclusiveOrAssignmentExpression:
                return "(" + target + " " + a.OperatorToken.Text + " " + Expr(a.Right) + ")";
            default:
                return Unsupported(a, Describe(a));
        }
    }

    private string Cast(CastExpressionSyntax cast)
    {
        Prim to = LangSpelling.Classify(Model.GetTypeInfo(cast.Type).Type);
        Optional<object?> value = Model.GetConstantValue(cast);
        if (value.HasValue && LangSpelling.Classify(Model.GetTypeInfo(cast.Expression).Type) == Prim.None)
            return LangSpelling.Literal(value.Value) ?? Unsupported(cast, Describe(cast));
        if (to is Prim.None or Prim.Bool) return Unsupported(cast, Describe(cast));
        return "((" + LangSpelling.TypeName(to) + ")" + Expr(cast.Expression) + ")";
    }

    private string ElementAccess(ElementAccessExpressionSyntax access)
    {
        if (access.Expression is InvocationExpressionSyntax call) return Expr(call); // k.Shared(n)[i]
        if (access.ArgumentList.Arguments.Count != 1 || access.Expression is not IdentifierNameSyntax array)
            return Unsupported(access, "Indexing other than 'buffer[index]' or 'array[index]'");
        ITypeSymbol? type = Model.GetTypeInfo(array).Type;
        if (Unit.BufElement(type) == Prim.None && Unit.SpanElement(type) == Prim.None)
            return Unsupported(access, "Indexing a '" + type?.ToDisplayString() + "'");
        ExpressionSyntax index = access.ArgumentList.Arguments[0].Expression;
        if (index is RangeExpressionSyntax || index.IsKind(SyntaxKind.IndexExpression))
            return Unsupported(index, "Ranges and from-end indices");
        return Identifier(array) + "[" + Bare(Expr(index)) + "]";
    }

    private string Invocation(InvocationExpressionSyntax call)
    {
        if (Model.GetSymbolInfo(call).Symbol is not IMethodSymbol method)
            return Unsupported(call, Describe(call));
        var args = call.ArgumentList.Arguments;
        foreach (ArgumentSyntax arg in args)
            if (!arg.RefKindKeyword.IsKind(SyntaxKind.None) || arg.NameColon is not null)
                return Unsupported(arg, "ref/out/in or named arguments");
        if (Unit.IsKernelContext(method.ContainingType)) return ContextCall(call, method);
        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, Unit.KMath))
        {
            Prim first = method.Parameters.Length > 0
                ? LangSpelling.Classify(method.Parameters[0].Type)
                : Prim.None;
            if (!LangSpelling.TryMath(method.Name, first, out string openCL, out string cuda))
                return Unsupported(call, "KMath." + method.Name);
            string arguments = string.Join(", ", args.Select(a => Bare(Expr(a.Expression))));
            return (Lang == Lang.OpenCL ? openCL : cuda) + "(" + arguments + ")";
        }
        if (!Unit.DeviceFunctions.TryGetValue(method.OriginalDefinition, out FunctionInfo? callee))
        {
            Report(Diagnostics.UnsupportedCall, call, method.ContainingType.Name + "." + method.Name);
            return "/*error*/0";
        }
        Info.Callees.Add(callee.Method);
        var parts = new System.Collections.Generic.List<string>();
        foreach (ArgumentSyntax arg in args)
        {
            ITypeSymbol? type = Model.GetTypeInfo(arg.Expression).Type;
            if (Unit.IsKernelContext(type)) continue;
            if (Unit.BufElement(type) != Prim.None &&
                Model.GetSymbolInfo(arg.Expression).Symbol is ILocalSymbol shared &&
                SharedLocals.Contains(shared))
            {
                Report(Diagnostics.BadBufferUse, arg,
                    "A group-shared array cannot be passed to a device function (OpenCL 1.2 address spaces)");
                continue;
            }
            if (Unit.SpanElement(type) != Prim.None)
            {
                Report(Diagnostics.BadBufferUse, arg,
                    "A private array cannot be passed to a device function");
                continue;
            }
            parts.Add(Bare(Expr(arg.Expression)));
        }
        return callee.CName + "(" + string.Join(", ", parts) + ")";
    }

    private string ContextCall(InvocationExpressionSyntax call, IMethodSymbol method)
    {
        if (method.Name == "Barrier")
        {
            Info.UsesBarrier = true;
            return LangSpelling.Barrier(Lang);
        }
        if (method.Name == "Private")
        {
            Report(Diagnostics.BadPrivateArray, call, "k.Private must initialize a local");
            return "/*error*/0";
        }
        if (method.Name == "Shared")
        {
            Report(Diagnostics.BadShared, call,
                "must initialize a local at the top level of a [Kernel] body: 'var t = k.Shared<float>(N);'");
            return "/*error*/0";
        }
        if (!LangSpelling.IdMembers.Contains(method.Name)) return Unsupported(call, "k." + method.Name);
        Optional<object?> dim = Model.GetConstantValue(call.ArgumentList.Arguments[0].Expression);
        if (!dim.HasValue || dim.Value is not int d || d < 0 || d > 1)
        {
            Report(Diagnostics.BadDimension, call, method.Name);
            return "/*error*/0";
        }
        return LangSpelling.IdQuery(Lang, method.Name, d);
    }
}
