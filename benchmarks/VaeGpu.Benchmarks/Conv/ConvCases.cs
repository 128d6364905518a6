// The shapes of the conv benchmarks (issue 15): the conv VAE's layers (28x28 and 16x16 inputs, 32 and
// 64 channels, kernel 4 stride 2 padding 1) and DCGAN's (kernel 5 stride 1 padding 2; transposed
// kernel 4 stride 2 padding 1), plus max pooling and batch norm at conv-VAE sizes. Every case is timed
// as forward + backward (input gradient and weight/bias gradients). benchmarks/peers/pytorch_conv.py
// times the same list in PyTorch; keep the two in step.
using VaeGpu.Kernels;

namespace VaeGpu.Benchmarks.Conv;

/// <summary>One benchmark case: an op at one geometry and batch.</summary>
internal sealed record ConvCase(string Name, string Op, Conv2dGeometry Conv, Pool2dGeometry Pool, int Batch)
{
    /// <summary>The batch every case uses.</summary>
    public const int DefaultBatch = 64;

    /// <summary>Floating-point operations of forward + backward (conv: 3 products of 2 MACs each).</summary>
    public double Flops => Op switch
    {
        "conv" => 3.0 * 2 * Conv.MacsPerSample * Batch,
        "maxpool" => 2.0 * Pool.OutSize * Pool.Kernel * Pool.Kernel * Batch,
        _ => 10.0 * Pool.InSize * Batch, // batch norm: about 10 flops per element forward + backward
    };

    public override string ToString() => Name;

    /// <summary>Every case, in table order.</summary>
    public static readonly ConvCase[] All =
    [
        ConvOf("vae conv 1->32 28x28 k4s2", new(1, 28, 28, 32, 4, 4, 2, 1)),
        ConvOf("vae conv 32->64 16x16 k4s2", new(32, 16, 16, 64, 4, 4, 2, 1)),
        ConvOf("vae convT 64->32 8x8 k4s2", new(64, 8, 8, 32, 4, 4, 2, 1, 0, true)),
        ConvOf("vae convT 32->1 14x14 k4s2", new(32, 14, 14, 1, 4, 4, 2, 1, 0, true)),
        ConvOf("dcgan conv 1->32 28x28 k5s1", new(1, 28, 28, 32, 5, 5, 1, 2)),
        ConvOf("dcgan conv 32->64 14x14 k5s1", new(32, 14, 14, 64, 5, 5, 1, 2)),
        ConvOf("dcgan convT 64->32 7x7 k4s2", new(64, 7, 7, 32, 4, 4, 2, 1, 0, true)),
        new("maxpool 32x28x28 k2s2", "maxpool", default, new(32, 28, 28, 2, 2), DefaultBatch),
        new("batchnorm2d 64x14x14", "batchnorm", default, new(64, 14, 14, 1, 1), DefaultBatch),
    ];

    private static ConvCase ConvOf(string name, Conv2dGeometry g) => new(name, "conv", g, default, DefaultBatch);
}

/// <summary>The buffers of one case on one accelerator, and its forward + backward.</summary>
internal sealed class ConvRun : IDisposable
{
    private readonly Accelerator acc;
    private readonly ConvCase c;
    private readonly List<IDisposable> owned = [];
    private readonly DeviceBuffer<float> x, y, dy, dx, w, b, dw, db, s1, s2, s3, s4;
    private readonly DeviceBuffer<int> argmax;

    public ConvRun(Accelerator accelerator, ConvCase @case)
    {
        acc = accelerator;
        c = @case;
        var random = new Random(1);
        DeviceBuffer<float> Floats(int n)
        {
            var buffer = acc.Upload<float>(Enumerable.Range(0, Math.Max(n, 1))
                .Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
            owned.Add(buffer);
            return buffer;
        }
        int inSize = c.Op == "conv" ? c.Conv.InSize : c.Pool.InSize;
        int outSize = c.Op switch { "conv" => c.Conv.OutSize, "maxpool" => c.Pool.OutSize, _ => c.Pool.InSize };
        int channels = c.Op == "conv" ? c.Conv.OutChannels : c.Pool.Channels;
        x = Floats(c.Batch * inSize); dx = Floats(c.Batch * inSize);
        y = Floats(c.Batch * outSize); dy = Floats(c.Batch * outSize);
        int weights = Math.Max(c.Conv.WeightSize, channels);
        w = Floats(weights); dw = Floats(weights);
        b = Floats(channels); db = Floats(channels);
        s1 = Floats(channels); s2 = Floats(channels); s3 = Floats(channels); s4 = Floats(channels);
        acc.Fill(s2, 1f);
        argmax = acc.Allocate<int>(c.Batch * outSize);
        owned.Add(argmax);
    }

    /// <summary>One forward + backward.</summary>
    public void Step()
    {
        switch (c.Op)
        {
            case "conv":
                acc.Conv2dForward(c.Conv, c.Batch, x, w, b, y);
                acc.Conv2dBackwardInput(c.Conv, c.Batch, dy, w, dx);
                acc.Conv2dBackwardWeights(c.Conv, c.Batch, x, dy, dw, db);
                break;
            case "maxpool":
                acc.MaxPool2dForward(c.Pool, c.Batch, x, y, argmax);
                acc.MaxPool2dBackward(c.Pool, c.Batch, dy, argmax, dx);
                break;
            default:
                int spatial = c.Pool.InHeight * c.Pool.InWidth;
                acc.BatchNormForward(true, c.Batch, c.Pool.Channels, spatial, x, w, b, s1, s2, s3, s4, y);
                acc.BatchNormBackward(true, c.Batch, c.Pool.Channels, spatial, x, dy, w, s3, s4, dx, dw, db);
                break;
        }
    }

    /// <summary>The forward output and input gradient, for cross-backend checks.</summary>
    public float[] Result() => [.. acc.ToArray<float>(y), .. acc.ToArray<float>(dx)];

    public void Dispose()
    {
        foreach (var item in owned) item.Dispose();
    }
}
