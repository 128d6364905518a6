// What Conv2d and ConvTranspose2d share: the weight and bias bound in the arena, PyTorch's
// initialization, and forward/backward through the op set, which tells the two apart by the geometry's
// Transposed flag. Backward accumulates dW and db (or assigns them, adding to zeros) and assigns dx, by
// the gradient rule in Layer.cs.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A plain or transposed convolution layer whose weight and bias live in an arena.</summary>
public abstract class ConvLayer : Layer
{
    /// <summary>Binds "{name}.weight" of <paramref name="weightShape"/> and, with <paramref name="bias"/>,
    /// "{name}.bias" [out] of the arena.</summary>
    private protected ConvLayer(Workspace workspace, ParameterArena parameters, string name, ImageShape input,
        Conv2dGeometry geometry, int[] weightShape, bool bias)
        : base(workspace, input, new ImageShape(geometry.OutChannels, geometry.OutHeight, geometry.OutWidth))
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Geometry = geometry;
        Name = name;
        (Weight, WeightGrad, Bias, BiasGrad) =
            ConvParameters.Bind(parameters, name, weightShape, geometry.OutChannels, bias);
    }

    /// <summary>The convolution's sizes.</summary>
    private protected Conv2dGeometry Geometry { get; }

    /// <summary>The parameters' name prefix, e.g. "encoder.0".</summary>
    public string Name { get; }

    /// <summary>Weight: [out, in, k, k] for Conv2d, [in, out, k, k] for ConvTranspose2d.</summary>
    public BufferView<float> Weight { get; }

    /// <summary>Bias [out], or empty without a bias.</summary>
    public BufferView<float> Bias { get; }

    /// <summary>Weight gradient (accumulates).</summary>
    public BufferView<float> WeightGrad { get; }

    /// <summary>Bias gradient (accumulates), or empty.</summary>
    public BufferView<float> BiasGrad { get; }

    /// <summary>
    /// Sets the weight and bias like PyTorch: uniform in +-1/sqrt(fan_in), fan_in = weight dim 1 times k k
    /// (in channels for Conv2d, out channels for ConvTranspose2d).
    /// </summary>
    public void ResetParameters(ref SplitMix64 random) =>
        ConvParameters.Reset(Accelerator, ref random,
            (Geometry.Transposed ? Geometry.OutChannels : Geometry.InChannels) * Geometry.KernelHeight
            * Geometry.KernelWidth, Weight, Bias);

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input)
    {
        // y (B, Cout Ho Wo) = conv2d or conv_transpose2d of x (B, Cin H W) with W, + b
        Accelerator.Conv2dForward(Geometry, input.Rows, input.View, Weight, Bias, output.View);
    }

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        if (accumulateInputGrad)
            throw new NotSupportedException(
                $"{GetType().Name} assigns its input gradient; accumulation is not supported");
        // dW (+)= ..., db (Cout) (+)= sums of dy; the ops add, so to assign they add to zeros
        if (!Frozen)
        {
            if (AssignParameterGradients)
            {
                Accelerator.Fill(WeightGrad, 0);
                if (!BiasGrad.IsEmpty) Accelerator.Fill(BiasGrad, 0);
            }
            Accelerator.Conv2dBackwardWeights(Geometry, input.Rows, input.View, outputGrad.View, WeightGrad,
                BiasGrad);
        }
        // dx (B, Cin H W): the op's input gradient of dy
        if (!inputGrad.IsEmpty)
            Accelerator.Conv2dBackwardInput(Geometry, input.Rows, outputGrad.View, Weight, inputGrad.View);
    }
}
