// Base class of the layers. Each layer's Forward and hand-written Backward sit side by side; Forward
// caches what Backward needs (its input view, and its own output). Gradient rule (from llm.c):
// parameter gradients ACCUMULATE (+=) and are zeroed once per step (ParameterArena.ZeroGradients), or
// a Backward asked to assign them (=) saves that zeroing; activation gradients are ASSIGNED (=). Every
// layer owns its Output (B, out) and OutputGrad (B, out) buffers, sized once for the workspace's largest
// batch; the next layer's Backward writes OutputGrad.
// A view layer (Flatten, Unflatten) owns no buffers: Sequential points them at the previous layer's.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>
/// A differentiable step from (B, InputSize) to (B, OutputSize) with a hand-written backward.
/// </summary>
public abstract class Layer
{
    private Tensor _input;
    private int _batch;

    /// <summary>
    /// Allocates the output and output-gradient buffers of a layer in <paramref name="workspace"/>.
    /// </summary>
    protected Layer(Workspace workspace, int inputSize, int outputSize)
        : this(workspace, ImageShape.Flat(inputSize), ImageShape.Flat(outputSize))
    {
    }

    /// <summary>
    /// A layer from (C, H, W) rows to (C', H', W') rows; a view layer (<paramref name="allocate"/> false)
    /// gets its buffers from the layer before it in a <see cref="Sequential"/>.
    /// </summary>
    protected Layer(Workspace workspace, ImageShape inputShape, ImageShape outputShape, bool allocate = true)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!inputShape.IsValid || !outputShape.IsValid)
            throw new ArgumentOutOfRangeException(nameof(inputShape),
                $"layer sizes must be positive, got {inputShape} -> {outputShape}");
        Accelerator = workspace.Accelerator;
        InputShape = inputShape;
        OutputShape = outputShape;
        InputSize = inputShape.Size;
        OutputSize = outputShape.Size;
        MaxBatch = workspace.MaxBatch;
        if (!allocate) return;
        OutputBuffer = workspace.Batch(OutputSize);     // (maxB, out)
        OutputGradBuffer = workspace.Batch(OutputSize); // (maxB, out)
    }

    /// <summary>The shape of one input row: (C, H, W), or (features, 1, 1).</summary>
    public ImageShape InputShape { get; }

    /// <summary>The shape of one output row.</summary>
    public ImageShape OutputShape { get; }

    /// <summary>
    /// Training mode (the default) or eval mode; only layers that behave differently (batch norm) read it.
    /// </summary>
    public bool Training { get; set; } = true;

    /// <summary>
    /// When set, Backward leaves the parameter gradients alone (PyTorch's requires_grad_(False)) and
    /// only passes the input gradient on: a GAN's generator step freezes the discriminator.
    /// </summary>
    public bool Frozen { get; set; }

    /// <summary>True for layers that only reinterpret the shape and share the previous layer's
    /// buffers.</summary>
    public virtual bool IsView => false;

    private int MaxBatch { get; }

    /// <summary>Points a view layer's output and output gradient at <paramref name="previous"/>'s.</summary>
    internal void ShareBuffersOf(Layer previous)
    {
        if (!IsView) throw new InvalidOperationException($"{this} owns its buffers");
        if (previous.OutputBuffer.IsEmpty || previous.OutputSize != InputSize)
            throw new InvalidOperationException($"{this} cannot share the buffers of {previous}");
        OutputBuffer = new Tensor(previous.OutputBuffer.View, MaxBatch, OutputSize);
        OutputGradBuffer = new Tensor(previous.OutputGradBuffer.View, MaxBatch, OutputSize);
    }

    /// <summary>The device this layer runs on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Features per input row.</summary>
    public int InputSize { get; }

    /// <summary>Features per output row.</summary>
    public int OutputSize { get; }

    /// <summary>The output of the last Forward: (B, OutputSize).</summary>
    public Tensor Output => OutputBuffer.FirstRows(Batch);

    /// <summary>
    /// The gradient of the loss with respect to <see cref="Output"/>: (B, OutputSize); written by the caller.
    /// </summary>
    public Tensor OutputGrad => OutputGradBuffer.FirstRows(Batch);

    /// <summary>Rows of the last Forward.</summary>
    public int Batch => _batch > 0
        ? _batch
        : throw new InvalidOperationException($"{GetType().Name}: Forward has not run");

    /// <summary>The input of the last Forward, cached for Backward.</summary>
    protected Tensor Input => _input;

    /// <summary>Whole output buffer, (maxB, OutputSize).</summary>
    protected Tensor OutputBuffer { get; private set; }

    /// <summary>Whole output-gradient buffer, (maxB, OutputSize).</summary>
    protected Tensor OutputGradBuffer { get; private set; }

    /// <summary>
    /// Computes <see cref="Output"/> from input (B, InputSize) and caches the input; returns the output.
    /// </summary>
    public Tensor Forward(Tensor input)
    {
        if (input.IsEmpty) throw new ArgumentException($"{GetType().Name}: input is required", nameof(input));
        if (OutputBuffer.IsEmpty)
            throw new InvalidOperationException(
                $"{GetType().Name}: a view layer must follow another layer in a Sequential");
        if (input.Cols != InputSize)
            throw new ArgumentException(
                $"{GetType().Name}: input has {input.Cols} columns, expected {InputSize}", nameof(input));
        if (input.Rows > OutputBuffer.Rows)
            throw new ArgumentException(
                $"{GetType().Name}: batch {input.Rows} exceeds the workspace's {OutputBuffer.Rows}",
                nameof(input));
        _input = input;
        _batch = input.Rows;
        var output = OutputBuffer.FirstRows(input.Rows);
        ForwardCore(output, input);
        return output;
    }

    /// <summary>
    /// Keeps the first <paramref name="rows"/> rows of the last forward pass: Batch, Output and the
    /// cached input shrink to them (see <see cref="Sequential.KeepFirstRows"/>).
    /// </summary>
    public void KeepFirstRows(int rows)
    {
        if (rows <= 0 || rows > Batch)
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows must be in [1, {Batch}], got {rows}");
        _batch = rows;
        _input = _input.FirstRows(rows);
    }

    /// <summary>
    /// From <see cref="OutputGrad"/>: accumulates parameter gradients (or assigns them, with
    /// <paramref name="assignParameterGradients"/>) and assigns inputGrad (B, InputSize),
    /// or adds into it when <paramref name="accumulateInputGrad"/>; an empty inputGrad skips that product.
    /// OutputGrad may be overwritten.
    /// </summary>
    public void Backward(Tensor inputGrad, bool accumulateInputGrad = false,
        bool assignParameterGradients = false)
    {
        int batch = Batch;
        if (!inputGrad.IsEmpty && (inputGrad.Rows != batch || inputGrad.Cols != InputSize))
            throw new ArgumentException(
                $"{GetType().Name}: input gradient is ({inputGrad.Rows}, {inputGrad.Cols}), "
                + $"expected ({batch}, {InputSize})",
                nameof(inputGrad));
        AssignParameterGradients = assignParameterGradients;
        try
        {
            BackwardCore(inputGrad, accumulateInputGrad, OutputGradBuffer.FirstRows(batch), _input,
                OutputBuffer.FirstRows(batch));
        }
        finally
        {
            AssignParameterGradients = false;
        }
    }

    /// <summary>
    /// True inside a Backward asked to assign the parameter gradients (=) instead of adding to them (+=),
    /// as if they had been zeroed first: it saves zeroing them all. BackwardCore honours it (a layer
    /// whose ops only add zeroes its own gradients first; a frozen layer leaves them as they are).
    /// </summary>
    protected bool AssignParameterGradients { get; private set; }

    protected abstract void ForwardCore(Tensor output, Tensor input);

    /// <summary>
    /// The layer's backward (llm.c order: dinp, then dout and what forward saved); shapes checked.
    /// </summary>
    protected abstract void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output);
}
