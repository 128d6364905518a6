// Reproducibility: reductions run in a fixed order (no float atomics) and the RNG is counter-based,
// so running an op twice on the same inputs must give the same bits.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    private void AssertSameBitsTwice(string what, Func<BufferView<float>> run)
    {
        float[] first = Get(run()), second = Get(run());
        NumericAssert.Equal<float>(second, first, $"{Acc.Kind} {what} run twice", Seed);
    }

    [BackendFact]
    public void OpsGiveTheSameBitsTwice()
    {
        int batch = SmallSizes ? 7 : 64, pixels = SmallSizes ? 97 : 784, hidden = SmallSizes ? 33 : 129;
        const int latent = 20;
        BufferView<float> x = Put(Rng.Uniform(batch * pixels, 0, 1));
        BufferView<float> w = Put(Rng.Uniform(hidden * pixels, -1, 1));
        BufferView<float> bias = Put(Rng.Uniform(hidden, -1, 1)), logits = Put(Logits(batch * pixels));
        BufferView<float> mu = Put(Rng.Uniform(batch * latent, -2, 2)),
            logvar = Put(Rng.Uniform(batch * latent, -4, 2));
        BufferView<float> dy = Put(Rng.Uniform(batch * hidden, -1, 1));
        ulong seed = Rng.NextUInt64(), stream = Rng.NextUInt64();

        AssertSameBitsTwice("Gemm NT", () =>
        {
            var c = Output0(batch * hidden);
            Acc.Gemm(GemmLayout.NT, batch, hidden, pixels, x, w, c, false, bias, Activation.Tanh);
            return c;
        });
        AssertSameBitsTwice("Gemm TN accumulate", () =>
        {
            var c = Output0(pixels * hidden, 0.5f);
            Acc.Gemm(GemmLayout.TN, pixels, hidden, batch, x, dy, c, accumulate: true);
            return c;
        });
        AssertSameBitsTwice("ColumnSum", () =>
        {
            var sums = Output0(pixels);
            Acc.ColumnSum(x, batch, pixels, sums, false);
            return sums;
        });
        AssertSameBitsTwice("BceWithLogits", () =>
        {
            var loss = Output0(batch + 1, 0);
            Acc.BceWithLogits(logits, x, batch, pixels, loss.Slice(0, batch), default, 1);
            Acc.SumInto(loss.Slice(0, batch), batch, loss.Slice(batch, 1));
            return loss;
        });
        AssertSameBitsTwice("KlDivergence", () =>
        {
            var loss = Output0(batch);
            Acc.KlDivergence(mu, logvar, batch, latent, loss, default, default, 1);
            return loss;
        });
        int sumCount = Math.Min(100_000, hidden * pixels);
        AssertSameBitsTwice($"SumInto {sumCount}", () =>
        {
            var total = Output0(1, 0);
            Acc.SumInto(w.Slice(0, sumCount), sumCount, total);
            return total;
        });
        AssertSameBitsTwice("ReparameterizeForward", () =>
        {
            BufferView<float> eps = Output0(batch * latent), z = Output0(batch * latent);
            Acc.ReparameterizeForward(mu, logvar, eps, z, batch * latent, seed, stream);
            return z;
        });
        CheckGuards();
    }
}
