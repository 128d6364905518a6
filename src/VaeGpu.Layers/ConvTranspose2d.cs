// 2-D transposed convolution on (C, H, W) rows, W stored [in, out, kh, kw] like PyTorch's
// nn.ConvTranspose2d (square kernel; stride, zero padding and output padding for both axes). Its
// forward is a convolution's input gradient and its input gradient a convolution's forward.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A ConvTranspose2d layer whose weight and bias live in a parameter arena.</summary>
public sealed class ConvTranspose2d : ConvLayer
{
    /// <summary>
    /// Binds the layer to "{name}.weight" [in, out, k, k] and, with <paramref name="bias"/>,
    /// "{name}.bias" [out] of the arena.
    /// </summary>
    public ConvTranspose2d(Workspace workspace, ParameterArena parameters, string name, ImageShape input,
        int outChannels, int kernel, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true)
        : base(workspace, parameters, name, input,
            GeometryOf(input, outChannels, kernel, stride, padding, outputPadding),
            [input.Channels, outChannels, kernel, kernel], bias)
    {
    }

    /// <summary>The arena entries of this layer, PyTorch names and layouts.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(string name, int inChannels,
        int outChannels, int kernel, bool bias = true) =>
        bias ? [(name + ".weight", [inChannels, outChannels, kernel, kernel]), (name + ".bias",
            [outChannels])]
            : [(name + ".weight", [inChannels, outChannels, kernel, kernel])];

    /// <summary>The output shape of nn.ConvTranspose2d with these arguments (checked).</summary>
    public static ImageShape OutputShapeOf(ImageShape input, int outChannels, int kernel, int stride,
        int padding, int outputPadding)
    {
        var g = GeometryOf(input, outChannels, kernel, stride, padding, outputPadding);
        return new ImageShape(outChannels, g.OutHeight, g.OutWidth);
    }

    private static Conv2dGeometry GeometryOf(ImageShape input, int outChannels, int kernel, int stride,
        int padding, int outputPadding)
    {
        var g = new Conv2dGeometry(input.Channels, input.Height, input.Width, outChannels, kernel, kernel,
            stride, padding, outputPadding, Transposed: true);
        string? problem = g.Problem();
        return problem is null ? g : throw new ArgumentException($"ConvTranspose2d: {problem}");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ConvTranspose2d {Name} {InputShape} -> {OutputShape} (k={Geometry.KernelHeight}, "
        + $"s={Geometry.Stride}, p={Geometry.Padding}, op={Geometry.OutputPadding})";
}
