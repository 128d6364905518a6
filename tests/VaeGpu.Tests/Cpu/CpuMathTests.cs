// Measures the error of the vector math the CPU backend relies on (Vector256.Exp and .Log, and
// its own Exp and Tanh, against float64 Math.Exp/Log/Tanh, in ulps of the float32 result) over the
// ranges the ops feed them; checks that its own Exp and Tanh lanes are the device kernels' scalar
// functions bit for bit; and checks the 8 x 8 transpose used by NT packing.
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Kernels.Kernels;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Cpu;

public sealed class CpuMathTests(ITestOutputHelper output)
{
    // Exp feeds sigmoid (any float) and BCE/MSE (exp(-|l|), arguments <= 0);
    // Log feeds log(1 + e) with e in (0, 1].
    [Fact]
    public void VectorExpIsWithinTwoUlps()
    {
        double worst = MaxUlpError(-87f, 88f, x => Vector256.Exp(x), Math.Exp, out float at);
        output.WriteLine($"Vector256.Exp: max error {worst:F3} ulp at x = {at:R}");
        Assert.True(worst <= 2, $"Vector256.Exp error {worst} ulp at {at:R}");
    }

    [Fact]
    public void VectorLogIsWithinThreeUlps()
    {
        double worst = MaxUlpError(1f, 2f, x => Vector256.Log(x), Math.Log, out float at);
        output.WriteLine($"Vector256.Log on [1, 2]: max error {worst:F3} ulp at x = {at:R}");
        // Measured about 2.3 ulp here (x64, .NET 10); losses sum hundreds of these, so that is harmless.
        Assert.True(worst <= 3, $"Vector256.Log error {worst} ulp at {at:R}");
    }

    // Tanh feeds the GAN generators' outputs (any float); 0.625 is where its two formulas meet.
    [Fact]
    public void VectorTanhIsWithinTwoUlps()
    {
        foreach (var (from, to) in new[] { (-0.7f, 0.7f), (-12f, 12f), (-100f, 100f) })
        {
            double worst = MaxUlpError(from, to, CpuMath.Tanh, Math.Tanh, out float at);
            output.WriteLine($"CpuMath.Tanh on [{from}, {to}]: max error {worst:F3} ulp at x = {at:R}");
            Assert.True(worst <= 2, $"CpuMath.Tanh error {worst} ulp at {at:R}");
        }
        var special = CpuMath.Tanh(Vector256.Create(0f, -0f, float.PositiveInfinity, float.NegativeInfinity,
            float.NaN, 1e-30f, -1e-30f, 0.625f));
        Assert.Equal([0f, -0f, 1f, -1f, float.NaN, 1e-30f, -1e-30f],
            Enumerable.Range(0, 7).Select(i => special[i]).ToArray());
        float atSmall = (float)Math.Tanh(0.625); // where the formulas meet: within the 2 ulp above
        Assert.True(Math.Abs(special[7] - atSmall) <= 2 * (MathF.BitIncrement(atSmall) - atSmall),
            $"tanh(0.625) = {special[7]:R}, float64 gives {atSmall:R}");
        Assert.True(float.IsNegative(special[1]), "tanh(-0) is -0");
    }

    // CpuMath.Exp feeds tanh (2|x| >= 1.25) and BCE (exp(-|l|), arguments <= 0), on cpu and on devices.
    [Fact]
    public void OwnExpIsWithinTwoUlps()
    {
        const float Min = ActivationKernels.ExpMin, Max = ActivationKernels.ExpMax;
        foreach (var (from, to) in new[] { (-1f, 1f), (Min, 0f), (0f, Max) })
        {
            double worst = MaxUlpError(from, to, CpuMath.Exp, Math.Exp, out float at);
            output.WriteLine($"CpuMath.Exp on [{from}, {to}]: max error {worst:F3} ulp at x = {at:R}");
            Assert.True(worst <= 2, $"CpuMath.Exp error {worst} ulp at {at:R}");
        }
        float below = MathF.BitDecrement(Min), above = MathF.BitIncrement(Max);
        var special = CpuMath.Exp(Vector256.Create(0f, -0f, float.PositiveInfinity, float.NegativeInfinity,
            float.NaN, below, above, Max));
        Assert.Equal([1f, 1f, float.PositiveInfinity, 0f, float.NaN, 0f, float.PositiveInfinity],
            Enumerable.Range(0, 7).Select(i => special[i]).ToArray());
        Assert.True(float.IsFinite(special[7]) && special[7] > 3.4e38f, $"exp({Max}) = {special[7]}");
    }

    /// <summary>
    /// CpuMath's Exp and Tanh lanes equal ActivationKernels' scalar Exp and Tanh (the bodies the device
    /// kernels are translated from) bit for bit: on random floats of every magnitude, around each branch
    /// point, and on the special values.
    /// </summary>
    [Fact]
    public void OwnExpAndTanhLanesAreTheDeviceFunctionsBitForBit()
    {
        int seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var inputs = new List<float> { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
            float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon };
        const float Small = ActivationKernels.TanhSmall;
        const float Min = ActivationKernels.ExpMin, Max = ActivationKernels.ExpMax;
        foreach (float edge in new[] { Min, Max, Small, -Small, 44f, -44f })
            for (int step = -64; step <= 64; step++)
                inputs.Add(edge + step * MathF.Max(MathF.Abs(edge), 1f) * 1e-7f);
        for (int i = 0; i < 1 << 18; i++)
            inputs.Add(i % 2 == 0
                ? (float)(random.NextDouble() * 200 - 100)
                : BitConverter.Int32BitsToSingle(random.Next()) * (random.Next(2) == 0 ? 1 : -1));
        while (inputs.Count % 8 != 0) inputs.Add(1f);
        for (int i = 0; i < inputs.Count; i += 8)
        {
            var x = Vector256.Create<float>(inputs.ToArray().AsSpan(i, 8));
            var exp = CpuMath.Exp(x);
            var tanh = CpuMath.Tanh(x);
            for (int lane = 0; lane < 8; lane++)
            {
                float v = x[lane];
                AssertSameBits(ActivationKernels.Exp(v), exp[lane], $"exp({v:R})");
                AssertSameBits(ActivationKernels.Tanh(v), tanh[lane], $"tanh({v:R})");
            }
        }
    }

    private static void AssertSameBits(float scalar, float lane, string what)
    {
        bool same = float.IsNaN(scalar) ? float.IsNaN(lane)
            : BitConverter.SingleToInt32Bits(scalar) == BitConverter.SingleToInt32Bits(lane);
        Assert.True(same, $"{what}: device function {scalar:R}, cpu lane {lane:R}");
    }

    private static double MaxUlpError(float from, float to, Func<Vector256<float>, Vector256<float>> f,
        Func<double, double> reference, out float worstAt)
    {
        const int Samples = 1 << 20;
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        Span<float> x = stackalloc float[8];
        double worst = 0;
        worstAt = float.NaN;
        for (int i = 0; i < Samples; i += 8)
        {
            for (int lane = 0; lane < 8; lane++)
                x[lane] = i + lane == 0 ? from : (float)(from + (to - from) * random.NextDouble());
            var y = f(Vector256.Create<float>(x));
            for (int lane = 0; lane < 8; lane++)
            {
                double expected = reference(x[lane]);
                float e32 = (float)expected;
                double ulp = Math.Max(MathF.BitIncrement(e32) - e32, float.Epsilon);
                double error = Math.Abs(y[lane] - expected) / ulp;
                if (!(error <= worst)) (worst, worstAt) = (error, x[lane]);
            }
        }
        return worst;
    }

    [Fact]
    public void Transpose8x8Transposes()
    {
        if (!Avx.IsSupported) return; // the transpose is only called where AVX exists
        var values = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
        var r = new Vector256<float>[8];
        for (int row = 0; row < 8; row++) r[row] = Vector256.Create<float>(values.AsSpan(row * 8, 8));
        CpuMath.Transpose8x8(ref r[0], ref r[1], ref r[2], ref r[3], ref r[4], ref r[5], ref r[6], ref r[7]);
        for (int row = 0; row < 8; row++)
            for (int col = 0; col < 8; col++)
                Assert.Equal(values[col * 8 + row], r[row][col]);
    }
}
