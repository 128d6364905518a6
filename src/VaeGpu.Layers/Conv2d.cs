// 2-D convolution y = conv2d(x, W) + b on (C, H, W) rows, W stored [out, in, kh, kw] like PyTorch's
// nn.Conv2d (square kernel, one stride and zero padding for both axes, no dilation or groups).
// Backward accumulates dW and db and assigns dx, by the gradient rule in Layer.cs.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A Conv2d layer whose weight and bias live in a parameter arena.</summary>
public sealed class Conv2d : Layer
{
    private readonly Conv2dGeometry _geometry;

    /// <summary>
    /// Binds the layer to "{name}.weight" [out, in, k, k] and, with <paramref name="bias"/>,
    /// "{name}.bias" [out] of the arena.
    /// </summary>
    public Conv2d(Workspace workspace, ParameterArena parameters, string name, ImageShape input,
        int outChannels,
        int kernel, int stride = 1, int padding = 0, bool bias = true)
        : base(workspace, input, OutputShapeOf(input, outChannels, kernel, stride, padding))
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _geometry = Geometry(input, outChannels, kernel, stride, padding);
        Name = name;
        (Weight, WeightGrad, Bias, BiasGrad) =
            ConvParameters.Bind(parameters, name, [outChannels, input.Channels, kernel, kernel],
                outChannels, bias);
    }

    /// <summary>The parameters' name prefix, e.g. "encoder.0".</summary>
    public string Name { get; }

    /// <summary>Weight [out, in, k, k].</summary>
    public BufferView<float> Weight { get; }

    /// <summary>Bias [out], or empty without a bias.</summary>
    public BufferView<float> Bias { get; }

    /// <summary>Weight gradient (accumulates).</summary>
    public BufferView<float> WeightGrad { get; }

    /// <summary>Bias gradient (accumulates), or empty.</summary>
    public BufferView<float> BiasGrad { get; }

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
        var g = Geometry(input, outChannels, kernel, stride, padding);
        return new ImageShape(outChannels, g.OutHeight, g.OutWidth);
    }

    private static Conv2dGeometry Geometry(ImageShape input, int outChannels, int kernel, int stride,
        int padding)
    {
        var g = new Conv2dGeometry(input.Channels, input.Height, input.Width, outChannels, kernel, kernel,
            stride, padding);
        string? problem = g.Problem();
        return problem is null ? g : throw new ArgumentException($"Conv2d: {problem}");
    }

    /// <summary>Sets the weight and bias like PyTorch: uniform in [-1/sqrt(fan_in),
    /// 1/sqrt(fan_in)].</summary>
    public void ResetParameters(ref SplitMix64 random) =>
        ConvParameters.Reset(Accelerator, ref random, _geometry.InChannels * _geometry.KernelHeight
            * _geometry.KernelWidth, Weight, Bias);

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input)
    {
        // y (B, Cout Ho Wo) = conv2d(x (B, Cin H W), W) + b
        Accelerator.Conv2dForward(_geometry, input.Rows, input.View, Weight, Bias, output.View);
    }

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        if (accumulateInputGrad)
            throw new NotSupportedException(
                "Conv2d assigns its input gradient; accumulation is not supported");
        // dW (Cout, Cin, k, k) += ..., db (Cout) += sums of dy
        Accelerator.Conv2dBackwardWeights(_geometry, input.Rows, input.View, outputGrad.View, WeightGrad,
            BiasGrad);
        // dx (B, Cin H W) = conv2d's input gradient of dy
        if (!inputGrad.IsEmpty)
            Accelerator.Conv2dBackwardInput(_geometry, input.Rows, outputGrad.View, Weight, inputGrad.View);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv2d {Name} {InputShape} -> {OutputShape} (k={_geometry.KernelHeight}, s={_geometry.Stride}, "
        + $"p={_geometry.Padding})";
}
