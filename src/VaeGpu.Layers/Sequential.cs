// A chain of layers: Forward runs them in order, Backward calls their backwards by hand in reverse,
// each writing the OutputGrad of the layer before it.
namespace VaeGpu.Layers;

/// <summary>Layers applied one after the other.</summary>
public sealed class Sequential
{
    private readonly Layer[] _layers;

    /// <summary>
    /// Chains the layers; each one's input shape must equal the previous one's output shape. View layers
    /// (Flatten, Unflatten) get the previous layer's buffers, so they must not come first.
    /// </summary>
    public Sequential(IReadOnlyList<Layer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
            throw new ArgumentException("a Sequential needs at least one layer", nameof(layers));
        if (layers[0].IsView)
            throw new ArgumentException($"layer 0 ({layers[0]}) is a view and cannot come first",
                nameof(layers));
        for (int i = 1; i < layers.Count; i++)
            if (layers[i].InputShape != layers[i - 1].OutputShape)
                throw new ArgumentException(
                    $"layer {i} ({layers[i]}) takes {layers[i].InputShape} "
                    + $"but layer {i - 1} ({layers[i - 1]}) gives {layers[i - 1].OutputShape}");
        for (int i = 1; i < layers.Count; i++)
            if (layers[i].IsView) layers[i].ShareBuffersOf(layers[i - 1]);
        _layers = [.. layers];
    }

    /// <summary>Switches every layer to training mode (true) or eval mode (false).</summary>
    public void SetTraining(bool training)
    {
        foreach (var layer in _layers) layer.Training = training;
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Features per input row.</summary>
    public int InputSize => _layers[0].InputSize;

    /// <summary>Features per output row.</summary>
    public int OutputSize => _layers[^1].OutputSize;

    /// <summary>The output of the last Forward.</summary>
    public Tensor Output => _layers[^1].Output;

    /// <summary>
    /// The gradient with respect to <see cref="Output"/>; the caller writes it before Backward.
    /// </summary>
    public Tensor OutputGrad => _layers[^1].OutputGrad;

    /// <summary>Runs every layer on input (B, InputSize); returns (B, OutputSize).</summary>
    public Tensor Forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _layers.Length; i++) x = _layers[i].Forward(x);
        return x;
    }

    /// <summary>Sets <see cref="Layer.Frozen"/> on every layer.</summary>
    public void SetFrozen(bool frozen)
    {
        foreach (var layer in _layers) layer.Frozen = frozen;
    }

    /// <summary>
    /// After a forward pass, makes every layer hold only its first <paramref name="rows"/> rows, as if
    /// the forward had run on them alone (row-wise layers only: not after batch norm in training mode,
    /// whose statistics span the batch). Backward then covers those rows.
    /// </summary>
    public void KeepFirstRows(int rows)
    {
        foreach (var layer in _layers) layer.KeepFirstRows(rows);
    }

    /// <summary>
    /// Back-propagates <see cref="OutputGrad"/> through every layer; inputGrad may be empty. With
    /// assignParameterGradients the layers assign their parameter gradients instead of adding to them
    /// (only layers that can: Linear and those without parameters).
    /// </summary>
    public void Backward(Tensor inputGrad, bool accumulateInputGrad = false,
        bool assignParameterGradients = false)
    {
        for (int i = _layers.Length - 1; i > 0; i--)
            _layers[i].Backward(_layers[i - 1].OutputGrad, false, assignParameterGradients);
        _layers[0].Backward(inputGrad, accumulateInputGrad, assignParameterGradients);
    }
}
