// The timed overrides of the convolutional ops: conv forward, input and weight gradients (each also timed
// per layer geometry, so the profile can say which layer's pass is slow and at what GFLOP/s), pooling and
// batch norm.
using System.Diagnostics;
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Profile;

public sealed partial class ProfilingCpuAccelerator
{
    private readonly Dictionary<(string Pass, Conv2dGeometry Geometry), (long Ticks, long Calls, long Macs)>
        _convs = new();

    /// <summary>Seconds, calls and multiply-adds of every conv pass by geometry since the last
    /// reset.</summary>
    public IEnumerable<(string Pass, Conv2dGeometry Geometry, double Seconds, long Calls, long Macs)>
        ConvPasses =>
        _convs.Select(kv => (kv.Key.Pass, kv.Key.Geometry, kv.Value.Ticks / (double)Stopwatch.Frequency,
            kv.Value.Calls, kv.Value.Macs));

    private void AddConv(OpFamily family, string pass, in Conv2dGeometry g, int batch, long start)
    {
        long ticks = Stopwatch.GetTimestamp() - start;
        _ticks[(int)family] += ticks;
        _calls[(int)family]++;
        var key = (pass, g);
        _convs.TryGetValue(key, out var entry);
        _convs[key] = (entry.Ticks + ticks, entry.Calls + 1, entry.Macs + g.MacsPerSample * batch);
    }

    protected override void Conv2dForwardCore(in Conv2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> weight, BufferView<float> bias, BufferView<float> y)
    {
        long t = Stopwatch.GetTimestamp();
        base.Conv2dForwardCore(geometry, batch, x, weight, bias, y);
        AddConv(OpFamily.ConvForward, "forward", geometry, batch, t);
    }

    protected override void Conv2dBackwardInputCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> dy, BufferView<float> weight, BufferView<float> dx)
    {
        long t = Stopwatch.GetTimestamp();
        base.Conv2dBackwardInputCore(geometry, batch, dy, weight, dx);
        AddConv(OpFamily.ConvBackwardInput, "input grad", geometry, batch, t);
    }

    protected override void Conv2dBackwardWeightsCore(in Conv2dGeometry geometry, int batch,
        BufferView<float> x, BufferView<float> dy, BufferView<float> dweight, BufferView<float> dbias)
    {
        long t = Stopwatch.GetTimestamp();
        base.Conv2dBackwardWeightsCore(geometry, batch, x, dy, dweight, dbias);
        AddConv(OpFamily.ConvBackwardWeights, "weight grad", geometry, batch, t);
    }

    protected override void MaxPool2dForwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> x,
        BufferView<float> y, BufferView<int> argmax)
    {
        long t = Stopwatch.GetTimestamp();
        base.MaxPool2dForwardCore(geometry, batch, x, y, argmax);
        Add(OpFamily.PoolAndNorm, t);
    }

    protected override void MaxPool2dBackwardCore(in Pool2dGeometry geometry, int batch, BufferView<float> dy,
        BufferView<int> argmax, BufferView<float> dx)
    {
        long t = Stopwatch.GetTimestamp();
        base.MaxPool2dBackwardCore(geometry, batch, dy, argmax, dx);
        Add(OpFamily.PoolAndNorm, t);
    }

    protected override void BatchNormForwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> gamma, BufferView<float> beta, BufferView<float> runningMean,
        BufferView<float> runningVar, BufferView<float> saveMean, BufferView<float> saveInvStd,
        BufferView<float> y, float momentum, float eps)
    {
        long t = Stopwatch.GetTimestamp();
        base.BatchNormForwardCore(training, batch, channels, spatial, x, gamma, beta, runningMean, runningVar,
            saveMean, saveInvStd, y, momentum, eps);
        Add(OpFamily.PoolAndNorm, t);
    }

    protected override void BatchNormBackwardCore(bool training, int batch, int channels, int spatial,
        BufferView<float> x, BufferView<float> dy, BufferView<float> gamma, BufferView<float> saveMean,
        BufferView<float> saveInvStd, BufferView<float> dx, BufferView<float> dgamma, BufferView<float> dbeta)
    {
        long t = Stopwatch.GetTimestamp();
        base.BatchNormBackwardCore(training, batch, channels, spatial, x, dy, gamma, saveMean, saveInvStd, dx,
            dgamma, dbeta);
        Add(OpFamily.PoolAndNorm, t);
    }
}
