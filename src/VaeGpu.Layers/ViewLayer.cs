// The base of the shape-only layers (Flatten, Unflatten): a batch row is NCHW-contiguous already, so
// they own no buffers; Sequential points their output and output gradient at the previous layer's,
// and Forward and Backward then do nothing. Used alone on other memory they copy.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A layer that changes only the shape; its output is its input's memory.</summary>
public abstract class ViewLayer(Workspace workspace, ImageShape input, ImageShape output)
    : Layer(workspace, input, output, allocate: false)
{
    /// <inheritdoc/>
    public override bool IsView => true;

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input)
    {
        // Inside a Sequential the input is the previous layer's output, which is this output: nothing to do.
        if (!SameMemory(output.View, input.View)) Accelerator.Copy(input.View, output.View);
    }

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        if (inputGrad.IsEmpty || SameMemory(inputGrad.View, outputGrad.View)) return;
        if (accumulateInputGrad)
            throw new NotSupportedException($"{GetType().Name} assigns its input gradient");
        Accelerator.Copy(outputGrad.View, inputGrad.View);
    }

    private static bool SameMemory(BufferView<float> a, BufferView<float> b) =>
        ReferenceEquals(a.Buffer, b.Buffer) && a.Offset == b.Offset && a.Length == b.Length;
}
