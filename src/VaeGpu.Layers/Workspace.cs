// Owner of a model's activation and scratch buffers: each is allocated once for the largest batch
// and freed together with the model. Layers ask it for their tensors at construction.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>Allocates tensors of a fixed maximum batch and disposes them together.</summary>
public sealed class Workspace : IDisposable
{
    private readonly List<DeviceBuffer<float>> _buffers = [];
    private readonly List<DeviceBuffer<int>> _intBuffers = [];

    /// <summary>
    /// Creates a workspace on <paramref name="accelerator"/> for batches of up to
    /// <paramref name="maxBatch"/>.
    /// </summary>
    public Workspace(Accelerator accelerator, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (maxBatch <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBatch),
                $"max batch must be positive, got {maxBatch}");
        Accelerator = accelerator;
        MaxBatch = maxBatch;
    }

    /// <summary>The device the buffers live on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The largest batch any tensor of this workspace holds.</summary>
    public int MaxBatch { get; }

    /// <summary>Allocates a (MaxBatch, cols) tensor.</summary>
    public Tensor Batch(int cols) => Matrix(MaxBatch, cols);

    /// <summary>Allocates a (rows, cols) tensor.</summary>
    public Tensor Matrix(int rows, int cols)
    {
        var tensor = Tensor.Allocate(Accelerator, rows, cols, out var buffer);
        _buffers.Add(buffer);
        return tensor;
    }

    /// <summary>Allocates (MaxBatch, cols) ints, such as max pooling's argmax.</summary>
    public BufferView<int> IntBatch(int cols)
    {
        if (cols <= 0) throw new ArgumentOutOfRangeException(nameof(cols),
            $"cols must be positive, got {cols}");
        var buffer = Accelerator.Allocate<int>(checked(MaxBatch * cols));
        _intBuffers.Add(buffer);
        return buffer.View;
    }

    /// <summary>Frees every buffer.</summary>
    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
        foreach (var buffer in _intBuffers) buffer.Dispose();
        _buffers.Clear();
        _intBuffers.Clear();
    }
}
