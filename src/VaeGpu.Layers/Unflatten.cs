// Unflatten: (C H W) features seen as (C, H, W) rows; a view like Flatten (see ViewLayer.cs).
namespace VaeGpu.Layers;

/// <summary>nn.Unflatten: C H W features seen as (C, H, W) rows.</summary>
public sealed class Unflatten(Workspace workspace, ImageShape output)
    : ViewLayer(workspace, ImageShape.Flat(output.Size), output)
{
    /// <inheritdoc/>
    public override string ToString() => $"Unflatten {InputShape} -> {OutputShape}";
}
