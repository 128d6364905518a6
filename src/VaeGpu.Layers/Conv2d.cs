// 2-D convolution y = conv2d(x, W) + b on (C, H, W) rows, W stored [out, in, kh, kw] like PyTorch's
// nn.Conv2d (square kernel, one stride and zero padding for both axes, no dilation or groups).
// Backward accumulates dW and db and assigns dx, by the gradient rule in Layer.cs.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A Conv2d layer whose weight and bias live in a parameter arena.</summary>
public sealed class Conv2d : ConvLayer
{
    /// <summary>
    /// Binds the layer to "{name}.weight" [out, in, k, k] and, with <paramref name="bias"/>,
    /// "{name}.bias" [out] of the arena.
    /// </summary>
    public Conv2d(Workspace workspace, ParameterArena parameters, string name, ImageShape input,
        int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true)
        : base(workspace, parameters, name, input, GeometryOf(input, outChannels, kernel, stride, padding),
            [outChannels, input.Channels, kernel, kernel], bias)
    {
    }

    /// <summary>The arena entries of this layer, PyTorch names and layouts.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(string name, int inChannels,
        int outChannels, int kernel, bool bias = true) =>
        bias ? [(name + ".weight", [outChannels, inChannels, kernel, kernel]), (name + ".bias",
            [outChannels])]
            : [(name + ".weight", [outChannels, inChannels, kernel, kernel])];

    /// <summary>The output shape of nn.Conv2d with these arguments (checked).</summary>
    public static ImageShape OutputShapeOf(ImageShape input, int outChannels, int kernel, int stride,
        int padding)
    {
        var g = GeometryOf(input, outChannels, kernel, stride, padding);
        return new ImageShape(outChannels, g.OutHeight, g.OutWidth);
    }

    private static Conv2dGeometry GeometryOf(ImageShape input, int outChannels, int kernel, int stride,
        int padding)
    {
        var g = new Conv2dGeometry(input.Channels, input.Height, input.Width, outChannels, kernel, kernel,
            stride, padding);
        string? problem = g.Problem();
        return problem is null ? g : throw new ArgumentException($"Conv2d: {problem}");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv2d {Name} {InputShape} -> {OutputShape} (k={Geometry.KernelHeight}, s={Geometry.Stride}, "
        + $"p={Geometry.Padding})";
}
