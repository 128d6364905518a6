// Spellings that keep C# semantics where a CPU device would hide a mistake (x86 masks shift counts itself,
// so PoCL cannot tell a masked shift from an unmasked one): checked on the generated text.
namespace VaeGpu.Tests.Translator;

public sealed class TranslationTextTests
{
    private static string Translate(string body, string extra = "") => GeneratorHarness.Run(
        "static partial class Ks\n{\n" + extra + "\n[Kernel] public static void K(KernelContext k, " +
        "Buf<uint> o, Buf<float> g, int s, uint u, float f)\n{\n" + body + "\n}\n}\n")
        .Files["GeneratedKernels.g.cs"];

    [Theory]
    [InlineData("o[0] = u << s;", "o[0] = (u << (s & 31));")]
    [InlineData("o[0] = u >> 33;", "o[0] = (u >> 1);")]
    [InlineData("o[0] = (uint)(s >>> 2);", "o[0] = ((uint)((int)((uint)s >> 2)));")]
    [InlineData("o[0] = u >>> s;", "o[0] = (u >> (s & 31));")]
    [InlineData("int t = s; t <<= s;", "t <<= (s & 31);")]
    [InlineData("g[0] = f % 1.5f;", "g[0] = fmod(f, 1.5f);")]
    [InlineData("float t = f; t %= 2f;", "t = fmod(t, 2.0f);")]
    [InlineData("g[0] = 1e-45f + 3.4028235e38f + 0.1f;", "g[0] = ((1.0E-45f + 3.4028235E+38f) + 0.1f);")]
    [InlineData("g[0] = float.PositiveInfinity - float.MaxValue;", "g[0] = (VG_INF - 3.4028235E+38f);")]
    [InlineData("g[0] = (float)Math.PI;", "g[0] = 3.1415927f;")]
    [InlineData("o[0] = unchecked((uint)int.MinValue);", "((uint)(-2147483647 - 1))")]
    [InlineData("int global = s; o[0] = (uint)global;", "int global_ = s;")]
    public void ExpressionKeepsCSharpSemantics(string body, string expected)
    {
        string generated = Translate(body);
        Assert.True(generated.Contains(expected, StringComparison.Ordinal),
            $"expected '{expected}' in:\n{generated.Split("OpenCLProgram")[1]}");
    }

    [Fact]
    public void ConstantMacrosAreTypedLikeTheirField()
    {
        string generated = Translate("g[0] = F / 2; o[0] = U - 1u;",
            "public const float F = 1; public const uint U = 5; ");
        Assert.Contains("#define KS_F ((float)1)", generated);
        Assert.Contains("#define KS_U ((uint)5)", generated);
    }
}
