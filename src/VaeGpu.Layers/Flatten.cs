// Flatten: (C, H, W) rows seen as (C H W) features. A batch row is NCHW-contiguous already, so this
// is a view: no copy, no buffers of its own (see ViewLayer.cs).

namespace VaeGpu.Layers;

/// <summary>nn.Flatten: (C, H, W) rows seen as C H W features.</summary>
public sealed class Flatten(Workspace workspace, ImageShape input)
    : ViewLayer(workspace, input, ImageShape.Flat(input.Size))
{
    /// <inheritdoc/>
    public override string ToString() => $"Flatten {InputShape} -> {OutputShape}";
}
