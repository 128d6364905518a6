// Misuse is rejected before any work, the same way on every backend: too-short views, zero sizes,
// disposed buffers or accelerators, buffers of another accelerator, overlapping outputs and host
// spans of the wrong length. Each case checks the exception type, that it names the argument, and
// that the output was left as it was.
using VaeGpu.Kernels;
using VaeGpu.Tests.Support;

namespace VaeGpu.Tests.Conformance;

public abstract partial class ConformanceSuite
{
    private void AssertRejected<TException>(string argument, Action call,
        BufferView<float> untouched = default)
        where TException : ArgumentException
    {
        float[] before = untouched.IsEmpty ? [] : Get(untouched);
        var exception = Assert.Throws<TException>(call);
        Output.WriteLine($"{argument}: {exception.Message}");
        Assert.Equal(argument, exception.ParamName);
        Assert.Contains(argument, exception.Message, StringComparison.Ordinal);
        if (!untouched.IsEmpty)
            NumericAssert.Equal<float>(Get(untouched), before,
                $"{Acc.Kind} output after rejected call ({argument})", Seed);
    }

    [BackendFact]
    public void TooShortViewsAreRejectedBeforeAnyWork()
    {
        const int m = 3, n = 5, k = 7;
        BufferView<float> a = Put(Rng.Uniform(m * k, -1, 1)), b = Put(Rng.Uniform(k * n, -1, 1));
        BufferView<float> c = Put(Rng.Uniform(m * n, -1, 1)), bias = Put(Rng.Uniform(n, -1, 1));
        AssertRejected<ArgumentException>("a",
            () => Acc.Gemm(GemmLayout.NN, m, n, k, a.Slice(0, m * k - 1), b, c), c);
        AssertRejected<ArgumentException>("b",
            () => Acc.Gemm(GemmLayout.NT, m, n, k, a, b.Slice(1, k * n - 1), c), c);
        AssertRejected<ArgumentException>("c",
            () => Acc.Gemm(GemmLayout.TN, m, n, k, a, b, c.Slice(0, m * n - 1)), c);
        AssertRejected<ArgumentException>("bias",
            () => Acc.Gemm(GemmLayout.NN, m, n, k, a, b, c, false, bias.Slice(0, n - 1)), c);
        AssertRejected<ArgumentException>("sums",
            () => Acc.ColumnSum(c, m, n, bias.Slice(0, n - 1), false), bias);
        AssertRejected<ArgumentException>("y",
            () => Acc.ActivationForward(Activation.Tanh, a, b.Slice(0, 4), 5), b);
        BufferView<float> logits = Put(Rng.Uniform(m * n, -1, 1)), targets = Put(Rng.Uniform(m * n, 0, 1));
        BufferView<float> rowLoss = Put(Rng.Uniform(m, 1, 2)), dlogits = Put(Rng.Uniform(m * n, 1, 2));
        AssertRejected<ArgumentException>("targets",
            () => Acc.BceWithLogits(logits, targets.Slice(0, m * n - 1), m, n, rowLoss, dlogits, 1), rowLoss);
        AssertRejected<ArgumentException>("rowLoss",
            () => Acc.MseOnSigmoid(logits, targets, m, n, rowLoss.Slice(0, m - 1), dlogits, 1), dlogits);
        AssertRejected<ArgumentException>("dlogits",
            () => Acc.BceWithLogits(logits, targets, m, n, rowLoss, dlogits.Slice(0, 1), 1), rowLoss);
        AssertRejected<ArgumentException>("values", () => Acc.SumInto(a.Slice(0, 4), 5, rowLoss), rowLoss);
        var settings = OptimizerParams.Defaults(OptimizerKind.Adam, 0.01f);
        AssertRejected<ArgumentException>("state2",
            () => Acc.OptimizerStep(settings, a, b.Slice(0, 9), c, default, 9), a);
        BufferView<byte> images = Put(Rng.Bytes(40), (byte)1);
        BufferView<int> indices = Put(new[] { 1, 2 }, -1);
        AssertRejected<ArgumentException>("destination",
            () => Acc.GatherImages(images, 4, indices, 2, b.Slice(0, 7)), b);
        AssertRejected<ArgumentOutOfRangeException>("srcColOffset",
            () => Acc.CopyColumns(a, 3, 7, 5, b, 5, 0, 3), b);
        AssertRejected<ArgumentOutOfRangeException>("dstColOffset",
            () => Acc.CopyColumns(a, 3, 7, 0, b, 5, 3, 3), b);
        var kl = Assert.Throws<ArgumentException>(() => Acc.KlDivergence(a, b, 1, 5, rowLoss, c, default, 1));
        Assert.Contains("dlogvar", kl.Message, StringComparison.Ordinal);
        CheckGuards();
    }

    [BackendFact]
    public void ZeroSizesAreRejected()
    {
        BufferView<float> a = Put(Rng.Uniform(64, -1, 1)), b = Put(Rng.Uniform(64, -1, 1)),
            c = Put(Rng.Uniform(64, -1, 1));
        BufferView<int> indices = Put(new[] { 0, 1 }, -1);
        BufferView<byte> bytes = Put(Rng.Bytes(64), (byte)0);
        void Zero(string argument, Action call) =>
            AssertRejected<ArgumentOutOfRangeException>(argument, call, c);
        Zero("m", () => Acc.Gemm(GemmLayout.NN, 0, 2, 2, a, b, c));
        Zero("n", () => Acc.Gemm(GemmLayout.NT, 2, 0, 2, a, b, c));
        Zero("k", () => Acc.Gemm(GemmLayout.TN, 2, 2, 0, a, b, c));
        Zero("batch", () => Acc.GatherImages(bytes, 8, indices, 0, c));
        Zero("batch", () => Acc.GatherOneHot(bytes, indices, 0, 10, c));
        Zero("classes", () => Acc.GatherOneHot(bytes, indices, 2, 0, c));
        Zero("rows", () => Acc.KlDivergence(a, b, 0, 4, c, default, default, 1));
        Zero("cols", () => Acc.BceWithLogits(a, b, 4, 0, c, default, 1));
        Zero("n", () => Acc.SumInto(a, 0, c));
        Zero("n", () => Acc.FillNormal(c, 0, 1, 2));
        Zero("n", () => Acc.ActivationForward(Activation.Relu, a, c, 0));
        var settings = OptimizerParams.Defaults(OptimizerKind.Sgd, 0.1f);
        Zero("n", () => Acc.OptimizerStep(settings, b, a, c, default, 0));
        AssertRejected<ArgumentOutOfRangeException>("settings",
            () => Acc.OptimizerStep(settings with { Step = 0 }, a, b, c, default, 4), a);
        AssertRejected<ArgumentOutOfRangeException>("settings",
            () => Acc.OptimizerStep(settings with { LearningRate = 0 }, a, b, c, default, 4), a);
        AssertRejected<ArgumentOutOfRangeException>("length", () => Acc.Allocate<float>(0));
        CheckGuards();
    }

    [BackendFact]
    public void DisposedBuffersAndAcceleratorsAreRejected()
    {
        BufferView<float> a = Put(Rng.Uniform(12, -1, 1)), c = Put(Rng.Uniform(9, -1, 1));
        var disposed = Acc.Upload<float>(Rng.Uniform(12, -1, 1));
        disposed.Dispose();
        float[] before = Get(c);
        var onBuffer = Assert.Throws<ObjectDisposedException>(
            () => Acc.Gemm(GemmLayout.NN, 3, 3, 4, a, disposed.View, c));
        Assert.Equal("b", onBuffer.ObjectName);
        Assert.Contains("b", onBuffer.Message, StringComparison.Ordinal);
        NumericAssert.Equal<float>(Get(c), before,
            $"{Acc.Kind} output after a call with a disposed buffer", Seed);
        Assert.Throws<ObjectDisposedException>(() => Acc.ToArray(disposed.View));

        var other = CreateAccelerator();
        var buffer = other.Upload<float>(Rng.Uniform(12, -1, 1));
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.Allocate<float>(4));
        Assert.Throws<ObjectDisposedException>(() => other.Fill(buffer.View, 1));
        Assert.Throws<ObjectDisposedException>(() => other.Synchronize());
        CheckGuards();
    }

    [BackendFact]
    public void BuffersOfAnotherAcceleratorAreRejected()
    {
        using var other = CreateAccelerator();
        using var foreign = other.Upload<float>(Rng.Uniform(12, -1, 1));
        BufferView<float> a = Put(Rng.Uniform(12, -1, 1)), c = Put(Rng.Uniform(9, -1, 1));
        AssertRejected<ArgumentException>("b", () => Acc.Gemm(GemmLayout.NN, 3, 3, 4, a, foreign.View, c), c);
        AssertRejected<ArgumentException>("destination", () => Acc.Copy(a, foreign.View));
        var fill = Assert.Throws<ArgumentException>(() => Acc.Fill(foreign.View, 0));
        Assert.Contains("another accelerator", fill.Message, StringComparison.Ordinal);
        CheckGuards();
    }

    [BackendFact]
    public void OverlappingOutputsAreRejected()
    {
        BufferView<float> whole = Put(Rng.Uniform(64, -1, 1)), other = Put(Rng.Uniform(64, -1, 1));
        AssertRejected<ArgumentException>("c",
            () => Acc.Gemm(GemmLayout.NN, 2, 2, 2, whole.Slice(0, 4), other.Slice(0, 4), whole.Slice(3, 4)),
            whole);
        // A pair's products may run at once: neither output may overlap the other's operands or output.
        BufferView<float> a1 = other.Slice(0, 4), b1 = other.Slice(4, 4), b2 = other.Slice(8, 4);
        AssertRejected<ArgumentException>("c1",
            () => Acc.GemmPair(GemmLayout.NN, 2, 2, 2, a1, b1, whole.Slice(0, 4), false,
                GemmLayout.NN, 2, 2, 2, whole.Slice(2, 4), b2, other.Slice(12, 4), false), whole);
        AssertRejected<ArgumentException>("c2",
            () => Acc.GemmPair(GemmLayout.NN, 2, 2, 2, a1, b1, whole.Slice(0, 4), false,
                GemmLayout.NN, 2, 2, 2, b2, other.Slice(12, 4), whole.Slice(3, 4), false), whole);
        AssertRejected<ArgumentException>("y",
            () => Acc.ActivationForward(Activation.Sigmoid, whole.Slice(0, 8), whole.Slice(1, 8), 8), whole);
        AssertRejected<ArgumentException>("z",
            () => Acc.ReparameterizeForward(whole.Slice(0, 4), other.Slice(0, 4), other.Slice(8, 4),
                whole.Slice(2, 4), 4, 1, 2), whole);
        AssertRejected<ArgumentException>("dmu",
            () => Acc.KlDivergence(other.Slice(0, 4), other.Slice(4, 4), 1, 4, other.Slice(8, 1),
                whole.Slice(0, 4), whole.Slice(2, 4), 1), whole);
        AssertRejected<ArgumentException>("accumulator",
            () => Acc.SumInto(whole.Slice(0, 10), 10, whole.Slice(9, 1)), whole);
        AssertRejected<ArgumentException>("destination",
            () => Acc.CopyColumns(whole.Slice(0, 12), 3, 4, 0, whole.Slice(10, 12), 4, 0, 2), whole);
        AssertRejected<ArgumentException>("parameters",
            () => Acc.OptimizerStep(OptimizerParams.Defaults(OptimizerKind.Sgd, 0.1f), whole.Slice(0, 8),
                whole.Slice(4, 8),
                other.Slice(0, 8), default, 8), whole);
        CheckGuards();
    }

    [BackendFact]
    public void HostSpansOfTheWrongLengthAreRejected()
    {
        BufferView<float> view = Put(Rng.Uniform(17, -1, 1));
        AssertRejected<ArgumentException>("source", () => Acc.CopyFromHost<float>(new float[18], view), view);
        AssertRejected<ArgumentException>("source", () => Acc.CopyFromHost<float>(new float[16], view), view);
        AssertRejected<ArgumentException>("destination", () => Acc.CopyToHost(view, new float[16]));
        AssertRejected<ArgumentException>("destination", () => Acc.CopyToHost(view, new float[18]));
        var copy = Assert.Throws<ArgumentException>(() => Acc.Copy(view, Put(new float[16])));
        Assert.Contains("16", copy.Message, StringComparison.Ordinal);
        CheckGuards();
    }
}
