// Translates one [Kernel] or [DeviceFunction] method to one device language: signature, statements and
// local declarations (primitive locals, private arrays from k.Private, group-shared arrays from k.Shared).
// Expressions are in FunctionTranslator.Expressions.cs. Errors are reported only when Report is set, so the
// second language's pass over the same body does not duplicate them.
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VaeGpu.Kernels.Generator;

internal sealed partial class FunctionTranslator
{
    private readonly StringBuilder _out = new();
    private readonly bool _report;
    private int _indent = 1;

    private FunctionTranslator(TranslationUnit unit, FunctionInfo info, SemanticModel model, Lang lang,
        bool report)
    {
        Unit = unit;
        Info = info;
        Model = model;
        Lang = lang;
        _report = report;
    }

    private TranslationUnit Unit { get; }
    private FunctionInfo Info { get; }
    private SemanticModel Model { get; }
    private Lang Lang { get; }
    private HashSet<ILocalSymbol> SharedLocals { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Translates <paramref name="info"/>'s method; returns (prototype, definition).</summary>
    public static (string Prototype, string Definition) Translate(
        TranslationUnit unit, FunctionInfo info, MethodDeclarationSyntax syntax, Lang lang, bool report)
    {
        SemanticModel model = unit.Compilation.GetSemanticModel(syntax.SyntaxTree);
        var t = new FunctionTranslator(unit, info, model, lang, report);
        string signature = t.Signature();
        t._out.Append(signature).Append('\n').Append("{\n");
        if (info.IsKernel) t.BufferBases();
        if (syntax.Body is not null)
        {
            foreach (StatementSyntax statement in syntax.Body.Statements) t.Statement(statement);
        }
        else if (syntax.ExpressionBody is not null)
        {
            string value = t.Expr(syntax.ExpressionBody.Expression);
            t.Line(info.Method.ReturnsVoid ? value + ";" : "return " + value + ";");
        }
        t._out.Append("}\n");
        return (signature + ";", t._out.ToString());
    }

    /// <summary>The macro body of a source const field: its initializer, typed like the field.</summary>
    public static string TranslateConstant(TranslationUnit unit, IFieldSymbol field, ExpressionSyntax value,
        Lang lang, bool report)
    {
        SemanticModel model = unit.Compilation.GetSemanticModel(value.SyntaxTree);
        var info = new FunctionInfo(null!, field.Name, isKernel: false);
        var t = new FunctionTranslator(unit, info, model, lang, report);
        string text = t.Expr(value);
        Prim own = LangSpelling.Classify(model.GetTypeInfo(value).Type);
        Prim target = LangSpelling.Classify(field.Type);
        return own == target || target == Prim.None
            ? text
            : "((" + LangSpelling.TypeName(target) + ")" + text + ")";
    }

    private void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params object[] args)
    {
        Info.Failed = true;
        if (_report) Unit.Report(descriptor, node.GetLocation(), args);
    }

    private static string NameOf(ISymbol symbol) => LangSpelling.SafeName(symbol.Name);

    private void Line(string text)
    {
        _out.Append(' ', 4 * _indent).Append(text).Append('\n');
    }

    private string Signature()
    {
        var parts = new List<string>();
        foreach (IParameterSymbol p in Info.Method.Parameters)
        {
            if (Unit.IsKernelContext(p.Type)) continue;
            Prim element = Unit.BufElement(p.Type);
            string name = NameOf(p);
            if (element != Prim.None && Info.IsKernel)
            {
                parts.Add(LangSpelling.GlobalPointer(Lang, element) + " " + name + "_base");
                parts.Add("int " + name + "_offset");
            }
            else if (element != Prim.None)
            {
                parts.Add(LangSpelling.GlobalPointer(Lang, element) + " " + name);
            }
            else
            {
                parts.Add(LangSpelling.TypeName(LangSpelling.Classify(p.Type)) + " " + name);
            }
        }
        string parameters = parts.Count == 0 ? "void" : string.Join(", ", parts);
        if (Info.IsKernel)
            return (Lang == Lang.OpenCL ? "__kernel void " : "extern \"C\" __global__ void ") + Info.CName +
                "(" + parameters + ")";
        string ret = Info.Method.ReturnsVoid
            ? "void"
            : LangSpelling.TypeName(LangSpelling.Classify(Info.Method.ReturnType));
        return (Lang == Lang.OpenCL ? "" : "__device__ ") + ret + " " + Info.CName + "(" + parameters + ")";
    }

    /// <summary>Buffers arrive as base pointer + element offset; the body sees the offset applied.</summary>
    private void BufferBases()
    {
        foreach (IParameterSymbol p in Info.Method.Parameters)
        {
            Prim element = Unit.BufElement(p.Type);
            if (element == Prim.None) continue;
            string name = NameOf(p);
            Line(LangSpelling.GlobalPointer(Lang, element) + " " + name + " = " + name + "_base + " + name +
                "_offset;");
        }
    }

    private void Statement(StatementSyntax s)
    {
        switch (s)
        {
            case BlockSyntax block:
                Line("{");
                _indent++;
                foreach (StatementSyntax inner in block.Statements) Statement(inner);
                _indent--;
                Line("}");
                break;
            case LocalDeclarationStatementSyntax declaration:
                LocalDeclaration(declaration);
                break;
            case ExpressionStatementSyntax expression:
                ExpressionStatement(expression);
                break;
            case IfStatementSyntax ifStatement:
                Line("if (" + Bare(Expr(ifStatement.Condition)) + ")");
                Nested(ifStatement.Statement);
                if (ifStatement.Else is not null)
                {
                    Line("else");
                    Nested(ifStatement.Else.Statement);
                }
                break;
            case ForStatementSyntax forStatement:
                For(forStatement);
                break;
            case WhileStatementSyntax whileStatement:
                Line("while (" + Bare(Expr(whileStatement.Condition)) + ")");
                Nested(whileStatement.Statement);
                break;
            case DoStatementSyntax doStatement:
                Line("do");
                Nested(doStatement.Statement);
                Line("while (" + Bare(Expr(doStatement.Condition)) + ");");
                break;
            case BreakStatementSyntax:
                Line("break;");
                break;
            case ContinueStatementSyntax:
                Line("continue;");
                break;
            case ReturnStatementSyntax ret:
                Line(ret.Expression is null ? "return;" : "return " + Bare(Expr(ret.Expression)) + ";");
                break;
            case EmptyStatementSyntax:
                Line(";");
                break;
            default:
                Report(Diagnostics.UnsupportedStatement, s, StatementName(s));
                break;
        }
    }

    private static string StatementName(StatementSyntax s) =>
        s.Kind().ToString().Replace("Statement", "").Replace("Declaration", " declaration")
            .ToLowerInvariant();

    /// <summary>A nested statement, always braced so an else never binds to the wrong if.</summary>
    private void Nested(StatementSyntax s)
    {
        if (s is BlockSyntax)
        {
            Statement(s);
            return;
        }
        Line("{");
        _indent++;
        Statement(s);
        _indent--;
        Line("}");
    }

    private void ExpressionStatement(ExpressionStatementSyntax statement)
    {
        ExpressionSyntax e = statement.Expression;
        bool allowed = e is AssignmentExpressionSyntax or InvocationExpressionSyntax ||
            e.IsKind(SyntaxKind.PreIncrementExpression) || e.IsKind(SyntaxKind.PreDecrementExpression) ||
            e.IsKind(SyntaxKind.PostIncrementExpression) || e.IsKind(SyntaxKind.PostDecrementExpression);
        if (!allowed)
        {
            Report(Diagnostics.UnsupportedExpression, e, Describe(e));
            return;
        }
        Line(Bare(Expr(e)) + ";");
    }

    /// <summary>Drops one pair of outer parentheses (clang warns about them around conditions).</summary>
    private static string Bare(string text) =>
        text.Length > 2 && text[0] == '(' && text[text.Length - 1] == ')' &&
        Balanced(text.Substring(1, text.Length - 2))
            ? text.Substring(1, text.Length - 2)
            : text;

    private static bool Balanced(string text)
    {
        int depth = 0;
        foreach (char c in text)
        {
            if (c == '(') depth++;
            else if (c == ')' && --depth < 0) return false;
        }
        return depth == 0;
    }

    private void For(ForStatementSyntax f)
    {
        string init = "";
        if (f.Declaration is not null) init = Declarators(f.Declaration, inFor: true);
        else init = string.Join(", ", f.Initializers.Select(Expr));
        string condition = f.Condition is null ? "" : Bare(Expr(f.Condition));
        string step = string.Join(", ", f.Incrementors.Select(e => Bare(Expr(e))));
        Line("for (" + init + "; " + condition + "; " + step + ")");
        Nested(f.Statement);
    }

    private void LocalDeclaration(LocalDeclarationStatementSyntax declaration)
    {
        if (!declaration.UsingKeyword.IsKind(SyntaxKind.None) ||
            declaration.Declaration.Type is RefTypeSyntax)
        {
            Report(Diagnostics.UnsupportedStatement, declaration, "using/ref local");
            return;
        }
        VariableDeclarationSyntax decl = declaration.Declaration;
        ITypeSymbol? type = Model.GetTypeInfo(decl.Type).Type;
        if (type?.OriginalDefinition.ToDisplayString() == "System.Span<T>")
        {
            Report(Diagnostics.BadPrivateArray, decl, "'" + Shorten(decl.ToString()) + "'");
            return;
        }
        if (Unit.SpanElement(type) != Prim.None)
        {
            foreach (VariableDeclaratorSyntax v in decl.Variables) PrivateArray(v, Unit.SpanElement(type));
            return;
        }
        if (Unit.BufElement(type) != Prim.None)
        {
            foreach (VariableDeclaratorSyntax v in decl.Variables)
                SharedArray(declaration, v, Unit.BufElement(type));
            return;
        }
        string text = Declarators(decl, inFor: false);
        if (text.Length > 0) Line((declaration.IsConst ? "const " : "") + text + ";");
    }

    /// <summary>"T a = x, b" for primitive locals; reports any other type.</summary>
    private string Declarators(VariableDeclarationSyntax decl, bool inFor)
    {
        ITypeSymbol? type = Model.GetTypeInfo(decl.Type).Type;
        Prim prim = LangSpelling.Classify(type);
        if (prim == Prim.None)
        {
            SyntaxNode at = decl.Type.IsVar && decl.Variables[0].Initializer is { } init
                ? init.Value
                : decl.Type;
            Report(Diagnostics.UnsupportedType, at, type?.ToDisplayString() ?? decl.Type.ToString(),
                inFor ? "" : "; private arrays: var a = k.Private<T>(N); shared: var t = k.Shared<T>(N)");
            return "";
        }
        var parts = new List<string>();
        foreach (VariableDeclaratorSyntax v in decl.Variables)
        {
            string name = NameOf(Model.GetDeclaredSymbol(v)!);
            parts.Add(v.Initializer is null ? name : name + " = " + Bare(Expr(v.Initializer.Value)));
        }
        return LangSpelling.TypeName(prim) + " " + string.Join(", ", parts);
    }

    /// <summary>var a = k.Private&lt;T&gt;(N), N constant: a private array (zeroed in OpenCL C).</summary>
    private void PrivateArray(VariableDeclaratorSyntax v, Prim element)
    {
        if (v.Initializer?.Value is not InvocationExpressionSyntax call ||
            Model.GetSymbolInfo(call).Symbol is not IMethodSymbol { Name: "Private" } method ||
            !Unit.IsKernelContext(method.ContainingType))
        {
            Report(Diagnostics.BadPrivateArray, v, "'" + Shorten(v.ToString()) + "'");
            return;
        }
        ExpressionSyntax size = call.ArgumentList.Arguments[0].Expression;
        Optional<object?> value = Model.GetConstantValue(size);
        if (!value.HasValue || value.Value is not int n || n <= 0)
        {
            Report(Diagnostics.BadPrivateArray, size, "the size is not a positive constant");
            return;
        }
        string name = NameOf(Model.GetDeclaredSymbol(v)!);
        Line(LangSpelling.TypeName(element) + " " + name + "[" + Expr(size) + "] = {0};");
    }

    /// <summary>var t = k.Shared&lt;T&gt;(N): group-shared memory, top level of a kernel only.</summary>
    private void SharedArray(LocalDeclarationStatementSyntax statement, VariableDeclaratorSyntax v,
        Prim element)
    {
        if (v.Initializer?.Value is not InvocationExpressionSyntax call ||
            Model.GetSymbolInfo(call).Symbol is not IMethodSymbol { Name: "Shared" } method ||
            !Unit.IsKernelContext(method.ContainingType))
        {
            Report(Diagnostics.BadBufferUse, v,
                "Buf<T> locals must be group-shared arrays ('var t = k.Shared<float>(N);'), " +
                "not aliases of buffers");
            return;
        }
        if (!Info.IsKernel || statement.Parent is not BlockSyntax { Parent: MethodDeclarationSyntax })
        {
            Report(Diagnostics.BadShared, call, "is only allowed at the top level of a [Kernel] body");
            return;
        }
        ExpressionSyntax size = call.ArgumentList.Arguments[0].Expression;
        Optional<object?> value = Model.GetConstantValue(size);
        if (!value.HasValue || value.Value is not int n || n <= 0)
        {
            Report(Diagnostics.BadShared, size, "needs a positive compile-time constant size");
            return;
        }
        var local = (ILocalSymbol)Model.GetDeclaredSymbol(v)!;
        SharedLocals.Add(local);
        Line(LangSpelling.SharedQualifier(Lang) + LangSpelling.TypeName(element) + " " + NameOf(local) +
            "[" + Expr(size) + "];");
    }
}
