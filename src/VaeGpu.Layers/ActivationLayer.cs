// A stand-alone element-wise activation, for models that keep it apart from the Linear before it.
// The models in this project fuse activations into Linear; this layer exists for Sequential stacks
// that want them separate and for testing the activation backward on its own.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>y = act(x), with the backward computed from y.</summary>
public sealed class ActivationLayer : Layer
{
    /// <summary>Creates an activation layer over rows of <paramref name="size"/> features.</summary>
    public ActivationLayer(Workspace workspace, int size, Activation activation)
        : base(workspace, size, size) => Activation = activation;

    /// <summary>Creates an activation layer over (C, H, W) rows, such as after a convolution.</summary>
    public ActivationLayer(Workspace workspace, ImageShape shape, Activation activation)
        : base(workspace, shape, shape) => Activation = activation;

    /// <summary>The activation function.</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input) =>
        Accelerator.ActivationForward(Activation, input.View, output.View, input.Length); // (B, n)

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        if (inputGrad.IsEmpty) return; // no parameters: nothing else to do
        if (accumulateInputGrad)
            throw new NotSupportedException(
                "ActivationLayer assigns its input gradient; accumulation is not supported");
        // dx (B, n) = dy * act'(y)
        Accelerator.ActivationBackward(Activation, output.View, outputGrad.View, inputGrad.View,
            output.Length);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Activation} ({InputShape})";
}
