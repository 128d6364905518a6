// Max pooling over square windows (no padding), like nn.MaxPool2d(kernel, stride). Forward saves the
// argmax of every window in a workspace int buffer; backward routes each gradient to it.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A MaxPool2d layer; no parameters.</summary>
public sealed class MaxPool2d : Layer
{
    private readonly Pool2dGeometry _geometry;
    private readonly BufferView<int> _argmax; // (maxB, C Ho Wo)

    /// <summary>Pools (C, H,
    /// W) rows with a kernel x kernel window moved by stride (default: kernel).</summary>
    public MaxPool2d(Workspace workspace, ImageShape input, int kernel, int stride = 0)
        : base(workspace, input, OutputShapeOf(input, kernel, stride == 0 ? kernel : stride))
    {
        _geometry = Geometry(input, kernel, stride == 0 ? kernel : stride);
        _argmax = workspace.IntBatch(OutputSize);
    }

    /// <summary>The output shape of nn.MaxPool2d(kernel, stride) (checked).</summary>
    public static ImageShape OutputShapeOf(ImageShape input, int kernel, int stride)
    {
        var g = Geometry(input, kernel, stride);
        return new ImageShape(input.Channels, g.OutHeight, g.OutWidth);
    }

    private static Pool2dGeometry Geometry(ImageShape input, int kernel, int stride)
    {
        var g = new Pool2dGeometry(input.Channels, input.Height, input.Width, kernel, stride);
        string? problem = g.Problem();
        return problem is null ? g : throw new ArgumentException($"MaxPool2d: {problem}");
    }

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input)
    {
        // y (B, C Ho Wo), argmax (B, C Ho Wo) from x (B, C H W)
        Accelerator.MaxPool2dForward(_geometry, input.Rows, input.View, output.View,
            _argmax.Slice(0, input.Rows * OutputSize));
    }

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        if (inputGrad.IsEmpty) return;
        if (accumulateInputGrad)
            throw new NotSupportedException(
                "MaxPool2d assigns its input gradient; accumulation is not supported");
        // dx (B, C H W) = 0, dx[argmax] += dy
        Accelerator.MaxPool2dBackward(_geometry, input.Rows, outputGrad.View,
            _argmax.Slice(0, input.Rows * OutputSize), inputGrad.View);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"MaxPool2d {InputShape} -> {OutputShape} (k={_geometry.Kernel}, s={_geometry.Stride})";
}
