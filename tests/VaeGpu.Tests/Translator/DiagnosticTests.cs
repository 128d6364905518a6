// (a) Every construct outside the supported subset is a compile-time error with its VGK id, located at the
// offending code; the generator is driven on small source strings. A valid kernel gives no diagnostic.
using Microsoft.CodeAnalysis;

namespace VaeGpu.Tests.Translator;

public sealed class DiagnosticTests
{
    private const string Params = "KernelContext k, Buf<float> x, Buf<float> y, int n, uint u, float f";

    private static string InKernel(string body, string extra = "") =>
        "static partial class Ks\n{\n    [Kernel]\n    public static void K(" + Params + ")\n    {\n" + body +
        "\n    }\n" + extra + "\n}\n";

    /// <summary>(id, text the diagnostic must point at, kernel body).</summary>
    public static TheoryData<string, string, string> BodyCases => new()
    {
        { "VGK004", "foreach (var c in \"ab\") { }", "foreach (var c in \"ab\") { }" },
        { "VGK004", "switch (n) { case 1: break; }", "switch (n) { case 1: break; }" },
        { "VGK004", "try { } finally { }", "try { } finally { }" },
        { "VGK004", "int Local() => 1;", "int Local() => 1;" },
        { "VGK004", "goto end;", "goto end; end: ;" },
        { "VGK005", "checked(n + 1)", "int a = checked(n + 1);" },
        { "VGK005", "sizeof(int)", "int a = sizeof(int);" },
        { "VGK005", "n is > 0", "bool a = n is > 0;" },
        { "VGK005", "x[n] %= 2f", "x[n] %= 2f;" },
        { "VGK005", "throw new Exception()", "int a = n > 0 ? n : throw new Exception();" },
        { "VGK006", "double", "double a = f;" },
        { "VGK006", "n + u", "uint a = (uint)(n + u);" },
        { "VGK006", "string", "string s = \"x\";" },
        { "VGK006", "Math.PI * f", "float a = (float)(Math.PI * f);" },
        { "VGK006", "(n, n)", "var t = (n, n); int a = t.Item1;" },
        { "VGK006", "Func<int>", "Func<int> g = () => 1;" },
        { "VGK006", "-u", "int a = (int)(-u);" },
        { "VGK006", "long", "long a = n;" },
        { "VGK007", "Math.Abs(f)", "float a = Math.Abs(f);" },
        { "VGK007", "MathF.Exp(f)", "float a = MathF.Exp(f);" },
        { "VGK007", "Helper(f)", "float a = Helper(f);" },
        { "VGK009", "k.Shared<float>(16)", "if (n > 0) { var t = k.Shared<float>(16); t[0] = 1f; }" },
        { "VGK009", "n", "var t = k.Shared<float>(n); t[0] = 1f;" },
        { "VGK009", "k.Shared<float>(4)", "float a = k.Shared<float>(4)[0];" },
        { "VGK010", "n", "Span<float> a = stackalloc float[n]; a[0] = 1f;" },
        { "VGK010", "a = stackalloc float[] { 1f, 2f }", "Span<float> a = stackalloc float[] { 1f, 2f };" },
        { "VGK012", "k.GlobalId(2)", "int a = k.GlobalId(2);" },
        { "VGK012", "k.LocalId(n)", "int a = k.LocalId(n);" },
        { "VGK014", "row = x", "Buf<float> row = x; row[0] = 1f;" },
        { "VGK014", "x", "x = y;" },
        { "VGK014", "t", "var t = k.Shared<float>(8); float a = Sum(t);" },
        { "VGK014", "x", "float a = SharedFirst(x);" },
        { "VGK014", "q", "Span<float> q = stackalloc float[1]; q = stackalloc float[1];" },
    };

    private const string Extra =
        "    static float Helper(float v) => v;\n" +
        "    [DeviceFunction] static float Sum(Buf<float> b) => b[0];\n" +
        "    [DeviceFunction] static float SharedFirst([Shared] Buf<float> b) => b[0];\n";

    [Theory]
    [MemberData(nameof(BodyCases))]
    public void UnsupportedConstructInABodyIsAnErrorAtTheConstruct(string id, string at, string body)
    {
        string source = InKernel(body, Extra);
        var (diagnostics, _) = GeneratorHarness.Run(source);
        AssertHas(diagnostics, id, at, source);
    }

    /// <summary>(id, text the diagnostic must point at, whole source).</summary>
    public static TheoryData<string, string, string> SourceCases => new()
    {
        { "VGK001", "Ks", "static class Ks { [Kernel] public static void K(KernelContext k) { } }" },
        { "VGK001", "Ks", "partial class Ks { [Kernel] public static void K(KernelContext k) { } }" },
        { "VGK001", "Ks", "static partial class Outer { static partial class Ks " +
            "{ [Kernel] public static void K(KernelContext k) { } } }" },
        { "VGK002", "K", "static partial class Ks { [Kernel] public static int K(KernelContext k) => 0; }" },
        { "VGK002", "K", "static partial class Ks { [Kernel] public static void K(int n) { } }" },
        { "VGK002", "K", "static partial class Ks { [Kernel] static void K<T>(KernelContext k) { } }" },
        { "VGK003", "d", KernelWith("double d") },
        { "VGK003", "b", KernelWith("byte b") },
        { "VGK003", "x", KernelWith("Buf<double> x") },
        { "VGK003", "n", KernelWith("ref int n") },
        { "VGK003", "s", KernelWith("string s") },
        { "VGK003", "v", Device("float F(float v = 1f) => v;") },
        { "VGK003", "v", Device("void F(out float v) { v = 1f; }") },
        { "VGK003", "s", Device("float F(Span<float> s) => s[0];") },
        { "VGK008", "F", Device("int F(int v) => v > 0 ? F(v - 1) : 0;") },
        { "VGK008", "A", Device("int A(int v) => B(v);\n" +
            "[DeviceFunction] public static int B(int v) => v > 0 ? A(v - 1) : 0;") },
        { "VGK009", "k.Shared<float>(4)", Device("float F(KernelContext k) " +
            "{ var t = k.Shared<float>(4); return t[0]; }") },
        { "VGK011", "K", "static partial class A { [Kernel] public static void K(KernelContext k) { } }\n" +
            "static partial class B { [Kernel] public static void K(KernelContext k) { } }" },
        { "VGK013", "F", Device("double F(float v) => v;") },
        { "VGK013", "F", "class D { [DeviceFunction] public float F(float v) => v; }" },
    };

    private static string KernelWith(string parameters) =>
        "static partial class Ks { [Kernel] public static void K(KernelContext k" +
        (parameters.Length > 0 ? ", " + parameters : "") + ") { } }";

    private static string Device(string declaration) =>
        "static class D { [DeviceFunction] public static " + declaration + " }";

    [Theory]
    [MemberData(nameof(SourceCases))]
    public void InvalidDeclarationIsAnErrorAtTheDeclaration(string id, string at, string source)
    {
        var (diagnostics, _) = GeneratorHarness.Run(source);
        AssertHas(diagnostics, id, at, source);
    }

    [Fact]
    public void KernelUsingADiagnosedDeviceFunctionIsNotEmitted()
    {
        var (diagnostics, files) = GeneratorHarness.Run(InKernel("x[0] = Bad(f);",
            "    [DeviceFunction] static float Bad(float v) { double d = v; return (float)d; }"));
        AssertHas(diagnostics, "VGK006", "double", "");
        Assert.DoesNotContain("__kernel void K(", files["GeneratedKernels.g.cs"].Split("All {")[0]);
    }

    [Fact]
    public void SupportedKernelGivesNoDiagnosticAndItsLaunchHelper()
    {
        var (diagnostics, files) = GeneratorHarness.Run("namespace N;\n" + InKernel(
            "int i = k.GlobalId(0); if (i < n) y[i] = KMath.Exp(x[i]) * f + (float)(u >> 3);",
            "    [DeviceFunction] static float Twice(float v) => 2f * v;"));
        Assert.Empty(diagnostics);
        Assert.Contains("__kernel void K(__global float* x_base, int x_offset, " +
            "__global float* y_base, int y_offset, int n, uint u, float f)", files["GeneratedKernels.g.cs"]);
        string helper = files["N.Ks.Kernels.g.cs"];
        Assert.Contains("public static void LaunchK(" +
            "global::VaeGpu.Kernels.Device.IKernelLauncher launcher, " +
            "in global::VaeGpu.Kernels.Device.LaunchDims dims, " +
            "global::VaeGpu.Kernels.BufferView<float> @x", helper);
        Assert.Contains("launcher.SetUInt(3, @u);", helper);
    }

    private static void AssertHas(IReadOnlyList<Diagnostic> diagnostics, string id, string at, string source)
    {
        static string Text(Diagnostic d) =>
            d.Location.SourceTree?.GetText().ToString(d.Location.SourceSpan) ?? "";
        string all = string.Join("\n", diagnostics.Select(d => $"{d.Id} at '{Text(d)}': {d.GetMessage()}"));
        Assert.True(diagnostics.All(d => d.Severity == DiagnosticSeverity.Error), all);
        bool found = diagnostics.Any(d => d.Id == id && Text(d).Contains(at, StringComparison.Ordinal));
        string got = all.Length == 0 ? "(none)" : all;
        Assert.True(found, $"expected {id} at '{at}' for:\n{source}\ngot:\n{got}");
    }
}
