// Fully connected layer y = act(x W^T + b), W stored [out, in] row-major like PyTorch's nn.Linear.
// The activation is fused into the GEMM epilogue on the way forward, and differentiated from the
// saved output on the way back (no pre-activation buffer needed).
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>
/// A Linear layer with an optional fused activation, whose weight and bias live in a parameter arena.
/// </summary>
public sealed class Linear : Layer
{
    /// <summary>
    /// Binds the layer to parameters "{name}.weight" [out, in] and "{name}.bias" [out] of the arena.
    /// </summary>
    public Linear(Workspace workspace, ParameterArena parameters, string name, int inputSize, int outputSize,
        Activation activation = Activation.Identity)
        : base(workspace, inputSize, outputSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var weight = parameters[name + ".weight"];
        var bias = parameters[name + ".bias"];
        if (weight.Length != inputSize * outputSize || bias.Length != outputSize)
            throw new ArgumentException(
                $"{name}: arena shapes {weight.ShapeText} and {bias.ShapeText} "
                + $"do not fit {inputSize} -> {outputSize}");
        Name = name;
        Activation = activation;
        Weight = parameters.Value(weight.Name);       // (out, in)
        Bias = parameters.Value(bias.Name);           // (out)
        WeightGrad = parameters.Gradient(weight.Name); // (out, in)
        BiasGrad = parameters.Gradient(bias.Name);     // (out)
    }

    /// <summary>The parameters' name prefix, e.g. "encoder.layers.0".</summary>
    public string Name { get; }

    /// <summary>The fused activation.</summary>
    public Activation Activation { get; }

    /// <summary>Weight [out, in].</summary>
    public BufferView<float> Weight { get; }

    /// <summary>Bias [out].</summary>
    public BufferView<float> Bias { get; }

    /// <summary>Weight gradient [out, in] (accumulates).</summary>
    public BufferView<float> WeightGrad { get; }

    /// <summary>Bias gradient [out] (accumulates).</summary>
    public BufferView<float> BiasGrad { get; }

    /// <summary>The arena entries a Linear layer of these sizes needs, PyTorch layout.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(string name, int inputSize,
        int outputSize) =>
        [(name + ".weight", [outputSize, inputSize]), (name + ".bias", [outputSize])];

    /// <summary>
    /// Fills every parameter of an arena of Linear layers like PyTorch's nn.Linear (weight and bias
    /// uniform in [-1/sqrt(in), 1/sqrt(in)]) from SplitMix64(<paramref name="seed"/>), in table order.
    /// </summary>
    public static void InitializeParameters(ParameterArena arena, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(arena);
        var values = new float[arena.Count];
        var random = new SplitMix64(seed);
        foreach (var info in arena.Table)
        {
            // weight [out, in] and bias [out] of a Linear: both use fan_in = in of its weight.
            int fanIn = arena[info.Name[..info.Name.LastIndexOf('.')] + ".weight"].Shape[1];
            float bound = 1f / MathF.Sqrt(fanIn);
            for (int i = 0; i < info.Length; i++) values[info.Offset + i] = random.NextUniform(bound);
        }
        arena.WriteValues(values);
    }

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input)
    {
        // y (B, out) = act(x (B, in) W^T (in, out) + b)
        Accelerator.Gemm(GemmLayout.NT, input.Rows, OutputSize, InputSize, input.View, Weight, output.View,
            bias: Bias, activation: Activation);
    }

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        int batch = input.Rows;
        var dpre = outputGrad.View; // (B, out): dL/d(pre-activation), computed in place over dL/dy
        if (Frozen)
        {
            if (Activation != Activation.Identity)
                Accelerator.ActivationBackward(Activation, output.View, dpre, dpre, batch * OutputSize);
        }
        else
        {
            // db (out) (+)= column sums of dpre; with an activation, one fused op computes dpre and db.
            bool add = !AssignParameterGradients;
            if (Activation != Activation.Identity)
                Accelerator.ActivationBackwardColumnSum(Activation, output.View, dpre, dpre, batch,
                    OutputSize, BiasGrad, accumulate: add);
            else
                Accelerator.ColumnSum(dpre, batch, OutputSize, BiasGrad, accumulate: add);
            // dW (out, in) (+)= dpre^T (out, B) x (B, in), and dx (B, in) (+)= dpre (B, out) W (out, in)
            if (!inputGrad.IsEmpty)
            {
                // Independent products: a backend may run them side by side.
                Accelerator.GemmPair(GemmLayout.TN, OutputSize, InputSize, batch, dpre, input.View,
                    WeightGrad, add, GemmLayout.NN, batch, InputSize, OutputSize, dpre, Weight,
                    inputGrad.View, accumulateInputGrad);
                return;
            }
            Accelerator.Gemm(GemmLayout.TN, OutputSize, InputSize, batch, dpre, input.View, WeightGrad,
                accumulate: add);
        }
        // dx (B, in) (+)= dpre (B, out) W (out, in)
        if (!inputGrad.IsEmpty)
            Accelerator.Gemm(GemmLayout.NN, batch, InputSize, OutputSize, dpre, Weight, inputGrad.View,
                accumulate: accumulateInputGrad);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Linear {Name} {InputSize} -> {OutputSize} ({Activation})";
}
