// One dataset split on the device: the images and labels are uploaded once as bytes, and batches are
// gathered (scaled to [0, 1], labels one-hot) on the device from an index list. The training loop
// uploads each epoch's order once (UploadOrder) and then gathers by position, so a step copies nothing
// from the host (a host-to-device copy per step would make CUDA wait for the previous step).
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.Training;

/// <summary>A split's bytes on the device plus reusable batch buffers.</summary>
public sealed class DeviceSplit : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly DeviceBuffer<byte> _images;   // (Count, D) bytes
    private readonly DeviceBuffer<byte> _labels;   // (Count) bytes
    private readonly DeviceBuffer<int> _indices;   // (maxBatch)
    private readonly DeviceBuffer<int> _order;     // (Count): the current epoch's order
    private readonly DeviceBuffer<float> _x;       // (maxBatch, D)
    private readonly DeviceBuffer<float>? _oneHot; // (maxBatch, C), for a cvae

    /// <summary>Uploads the first <paramref name="count"/> images of <paramref name="split"/>.</summary>
    public DeviceSplit(Accelerator accelerator, DataSplit split, int count, int maxBatch, int oneHotClasses)
    {
        if (count <= 0 || count > split.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"count {count} outside [1, {split.Count}]");
        _accelerator = accelerator;
        Split = split.WithoutImages(); // the pixels are on the device; the host keeps the labels
        Count = count;
        ImageSize = split.ImageSize;
        Classes = oneHotClasses;
        _images = accelerator.Upload<byte>(split.Images.AsSpan(0, count * ImageSize));
        _labels = accelerator.Upload<byte>(split.Labels.AsSpan(0, count));
        _indices = accelerator.Allocate<int>(maxBatch);
        _order = accelerator.Allocate<int>(count);
        _x = accelerator.Allocate<float>(maxBatch * ImageSize);
        if (oneHotClasses > 0) _oneHot = accelerator.Allocate<float>(maxBatch * oneHotClasses);
    }

    /// <summary>The host split's labels and sizes (for plots), without its pixels.</summary>
    public DataSplit Split { get; }

    /// <summary>Images in use.</summary>
    public int Count { get; }

    /// <summary>Pixels per image.</summary>
    public int ImageSize { get; }

    /// <summary>One-hot width (0 when the model takes no labels).</summary>
    public int Classes { get; }

    /// <summary>Gathered images of the last batch: (maxBatch, D), first rows valid.</summary>
    public BufferView<float> Images => _x.View;

    /// <summary>One-hot labels of the last batch, or the empty view when the model takes none.</summary>
    public BufferView<float> OneHot => _oneHot?.View ?? default;

    /// <summary>Gathers images order[start .. start + batch) into <see cref="Images"/> and <see
    /// cref="OneHot"/>.</summary>
    public void Gather(ReadOnlySpan<int> order, int start, int batch)
    {
        var slice = order.Slice(start, batch);
        CheckIndices(slice);
        _accelerator.CopyFromHost(slice, _indices.Slice(0, batch));
        GatherCore(_indices.Slice(0, batch), batch);
    }

    /// <summary>Uploads a whole order (a permutation of the split, or any indices) for <see
    /// cref="GatherFromOrder"/>; once per epoch.</summary>
    public void UploadOrder(ReadOnlySpan<int> order)
    {
        if (order.Length != Count)
            throw new ArgumentException($"order has {order.Length} indices for {Count} images",
                nameof(order));
        CheckIndices(order);
        _accelerator.CopyFromHost(order, _order.View);
    }

    /// <summary>Gathers the images at positions [start, start + batch) of the uploaded order.</summary>
    public void GatherFromOrder(int start, int batch) => GatherCore(_order.Slice(start, batch), batch);

    private void GatherCore(BufferView<int> indices, int batch)
    {
        _accelerator.GatherImages(_images.View, ImageSize, indices, batch, _x.View);
        if (_oneHot is not null) _accelerator.GatherOneHot(_labels.View, indices, batch, Classes,
            _oneHot.View);
    }

    private void CheckIndices(ReadOnlySpan<int> indices)
    {
        foreach (int index in indices)
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices),
                $"image {index} of {Count}");
    }

    /// <summary>Frees the device buffers.</summary>
    public void Dispose()
    {
        _images.Dispose(); _labels.Dispose(); _indices.Dispose(); _order.Dispose(); _x.Dispose();
        _oneHot?.Dispose();
    }
}
