// The operators convolutional models need: NCHW convolutions with PyTorch's weight layouts, max
// pooling, and the views between a batch of flat rows and NCHW (Reshape, Flatten). Batch norm is a plain
// BatchNormalization node (ConvGraphs.Layer): in the dcgan's generator it follows a ReLU, so it cannot be
// folded into the layer before it.
namespace VaeGpu.Runner.Export;

public sealed partial class OnnxGraphBuilder
{
    /// <summary>Adds an int64 initializer (e.g. Reshape's target shape); returns its name.</summary>
    public string Int64Initializer(string name, IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = new Onnx.TensorProto
        { Name = Claim(name), DataType = (int)Onnx.TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Count);
        tensor.Int64Data.Add(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Views rows (B, C*H*W) as (B, featureDims...), e.g. NCHW (B, C, H, W).</summary>
    public string Reshape(string x, IReadOnlyList<long> featureDims, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(featureDims);
        if (featureDims.Count == 0 || featureDims.Any(d => d <= 0))
            throw new ArgumentException($"Reshape: feature dims must be positive, got "
                + $"[{string.Join(", ", featureDims)}]", nameof(featureDims));
        string shape = Int64Initializer($"shape_{_nodeCount}", [-1, .. featureDims]); // -1: the batch
        return Node("Reshape", [x, shape], output);
    }

    /// <summary>Flattens (B, C, H, W) to rows (B, C*H*W).</summary>
    public string Flatten(string x, string? output = null) =>
        Node("Flatten", [x], output, IntAttribute("axis", 1));

    /// <summary>
    /// 2-D convolution of x (B, Cin, H, W) with weight [Cout, Cin, kH, kW] (nn.Conv2d's layout) and an
    /// optional bias [Cout]; symmetric zero padding.
    /// </summary>
    public string Conv2d(string x, string weight, string? bias, int stride, int padding,
        string? output = null)
    {
        CheckWindow(stride, padding, "Conv2d");
        return Node("Conv", bias is null ? [x, weight] : [x, weight, bias], output,
            IntsAttribute("strides", stride, stride),
            IntsAttribute("pads", padding, padding, padding, padding));
    }

    /// <summary>
    /// Transposed 2-D convolution with weight [Cin, Cout, kH, kW] (nn.ConvTranspose2d's layout), optional
    /// bias [Cout]; output side (in - 1) stride - 2 padding + k + outputPadding, as in PyTorch.
    /// </summary>
    public string ConvTranspose2d(string x, string weight, string? bias, int stride, int padding,
        int outputPadding, string? output = null)
    {
        CheckWindow(stride, padding, "ConvTranspose2d");
        if (outputPadding < 0 || outputPadding >= stride)
            throw new ArgumentOutOfRangeException(nameof(outputPadding),
                $"ConvTranspose2d: output padding must be in [0, stride), got {outputPadding}");
        return Node("ConvTranspose", bias is null ? [x, weight] : [x, weight, bias], output,
            IntsAttribute("strides", stride, stride),
            IntsAttribute("pads", padding, padding, padding, padding),
            IntsAttribute("output_padding", outputPadding, outputPadding));
    }

    /// <summary>Max pooling over kernel x kernel windows (floor mode, like PyTorch).</summary>
    public string MaxPool2d(string x, int kernel, int stride, string? output = null)
    {
        CheckWindow(stride, 0, "MaxPool2d");
        if (kernel <= 0)
            throw new ArgumentOutOfRangeException(nameof(kernel),
                $"MaxPool2d: kernel must be positive, got {kernel}");
        return Node("MaxPool", [x], output, IntsAttribute("kernel_shape", kernel, kernel),
            IntsAttribute("strides", stride, stride));
    }

    private static void CheckWindow(int stride, int padding, string op)
    {
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: stride {stride}");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding {padding}");
    }
}
