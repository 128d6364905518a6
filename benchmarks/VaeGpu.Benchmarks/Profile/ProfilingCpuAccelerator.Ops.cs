// The timed overrides of the ops other than GEMM, bias gradients, activations and convs: sampling, losses,
// the optimizer, gathers, host copies and synchronization (on cpu a fused op calls its two parts, which
// are timed in their families), device copies and fills, and the GAN's uniform noise, image scaling
// (counted with the gathers) and squared error (a loss).
using System.Diagnostics;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Profile;

public sealed partial class ProfilingCpuAccelerator
{
    protected override void FillNormalCore(BufferView<float> destination, int n, ulong seed, ulong stream)
    {
        long t = Stopwatch.GetTimestamp();
        base.FillNormalCore(destination, n, seed, stream);
        Add(OpFamily.Reparameterize, t);
    }

    protected override void ReparameterizeForwardCore(BufferView<float> mu, BufferView<float> logvar,
        BufferView<float> eps, BufferView<float> z, int n, ulong seed, ulong stream)
    {
        long t = Stopwatch.GetTimestamp();
        base.ReparameterizeForwardCore(mu, logvar, eps, z, n, seed, stream);
        Add(OpFamily.Reparameterize, t);
    }

    protected override void ReparameterizeBackwardCore(BufferView<float> dz, BufferView<float> eps,
        BufferView<float> logvar, BufferView<float> dmu, BufferView<float> dlogvar, int n)
    {
        long t = Stopwatch.GetTimestamp();
        base.ReparameterizeBackwardCore(dz, eps, logvar, dmu, dlogvar, n);
        Add(OpFamily.Reparameterize, t);
    }

    protected override void BceWithLogitsCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        long t = Stopwatch.GetTimestamp();
        base.BceWithLogitsCore(logits, targets, rows, cols, rowLoss, dlogits, gradScale);
        Add(OpFamily.Loss, t);
    }

    protected override void MseOnSigmoidCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        long t = Stopwatch.GetTimestamp();
        base.MseOnSigmoidCore(logits, targets, rows, cols, rowLoss, dlogits, gradScale);
        Add(OpFamily.Loss, t);
    }

    protected override void KlDivergenceCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar,
        float gradScale)
    {
        long t = Stopwatch.GetTimestamp();
        base.KlDivergenceCore(mu, logvar, rows, cols, rowLoss, dmu, dlogvar, gradScale);
        Add(OpFamily.Loss, t);
    }

    protected override void SumIntoCore(BufferView<float> values, int n, BufferView<float> accumulator)
    {
        long t = Stopwatch.GetTimestamp();
        base.SumIntoCore(values, n, accumulator);
        Add(OpFamily.Loss, t);
    }

    protected override void OptimizerStepCore(in OptimizerParams settings, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n)
    {
        long t = Stopwatch.GetTimestamp();
        base.OptimizerStepCore(settings, parameters, gradients, state1, state2, n);
        Add(OpFamily.Optimizer, t);
    }

    protected override void GatherImagesCore(BufferView<byte> dataset, int imageSize,
        BufferView<int> indices, int batch, BufferView<float> destination)
    {
        long t = Stopwatch.GetTimestamp();
        base.GatherImagesCore(dataset, imageSize, indices, batch, destination);
        Add(OpFamily.Gather, t);
    }

    protected override void GatherOneHotCore(BufferView<byte> labels, BufferView<int> indices, int batch,
        int classes, BufferView<float> destination)
    {
        long t = Stopwatch.GetTimestamp();
        base.GatherOneHotCore(labels, indices, batch, classes, destination);
        Add(OpFamily.Gather, t);
    }

    protected override void CopyToHostCore<T>(BufferView<T> source, Span<T> destination)
    {
        long t = Stopwatch.GetTimestamp();
        base.CopyToHostCore(source, destination);
        Add(OpFamily.HostSync, t);
    }

    protected override void CopyFromHostCore<T>(ReadOnlySpan<T> source, BufferView<T> destination)
    {
        long t = Stopwatch.GetTimestamp();
        base.CopyFromHostCore(source, destination);
        Add(OpFamily.HostSync, t);
    }

    protected override void SynchronizeCore()
    {
        long t = Stopwatch.GetTimestamp();
        base.SynchronizeCore();
        Add(OpFamily.HostSync, t);
    }

    protected override void CopyCore<T>(BufferView<T> source, BufferView<T> destination)
    {
        long t = Stopwatch.GetTimestamp();
        base.CopyCore(source, destination);
        Add(OpFamily.Copy, t);
    }

    protected override void FillCore(BufferView<float> destination, float value)
    {
        long t = Stopwatch.GetTimestamp();
        base.FillCore(destination, value);
        Add(OpFamily.Copy, t);
    }

    protected override void CopyColumnsCore(BufferView<float> source, int rows, int srcCols,
        int srcColOffset, BufferView<float> destination, int dstCols, int dstColOffset, int cols)
    {
        long t = Stopwatch.GetTimestamp();
        base.CopyColumnsCore(source, rows, srcCols, srcColOffset, destination, dstCols, dstColOffset, cols);
        Add(OpFamily.Copy, t);
    }

    protected override void FillUniformCore(BufferView<float> destination, int n, float low, float high,
        ulong seed, ulong stream)
    {
        long t = Stopwatch.GetTimestamp();
        base.FillUniformCore(destination, n, low, high, seed, stream);
        Add(OpFamily.Noise, t);
    }

    protected override void AffineCore(BufferView<float> x, BufferView<float> y, int n, float scale,
        float shift)
    {
        long t = Stopwatch.GetTimestamp();
        base.AffineCore(x, y, n, scale, shift);
        Add(OpFamily.Gather, t);
    }
}
