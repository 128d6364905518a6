// Batch normalisation over the channels of (C, H, W) rows (nn.BatchNorm2d) or over the features of
// flat rows (nn.BatchNorm1d): training mode normalises with the batch's statistics and moves the
// running estimates; eval mode (Layer.Training false) uses the running estimates. weight, bias,
// running_mean and running_var are arena entries under PyTorch's names, so they save with the model;
// the running statistics never receive a gradient, so every optimizer leaves them unchanged (a zero
// gradient with zero state is a zero update for Adam, SGD, RMSProp and Adagrad).
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>A BatchNorm1d/BatchNorm2d layer (affine, with running statistics).</summary>
public sealed class BatchNorm : Layer
{
    private readonly int _spatial;
    private readonly BufferView<float> _saveMean;   // (C) statistics of the last Forward
    private readonly BufferView<float> _saveInvStd; // (C) 1 / sqrt(var + eps) of the last Forward
    private readonly BufferView<float> _frozenGrads; // (2C) where dgamma, dbeta go while Frozen
    private readonly BufferView<float> _runningMeanGrad, _runningVarGrad; // (C) each, always zero
    private bool _forwardTraining;

    /// <summary>
    /// Binds the layer to "{name}.weight", ".bias", ".running_mean" and ".running_var" [C] of the arena.
    /// </summary>
    public BatchNorm(Workspace workspace, ParameterArena parameters, string name, ImageShape shape,
        float momentum = 0.1f, float eps = 1e-5f)
        : base(workspace, shape, shape)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum),
                $"momentum must be in [0, 1], got {momentum}");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps),
            $"eps must be positive, got {eps}");
        int channels = shape.Channels;
        foreach (var (entry, _) in ParameterShapes(name, channels))
            if (parameters[entry].Length != channels)
                throw new ArgumentException(
                    $"{name}: arena {entry} is {parameters[entry].ShapeText}, not [{channels}]");
        Name = name;
        Momentum = momentum;
        Eps = eps;
        _spatial = shape.Height * shape.Width;
        Weight = parameters.Value(name + ".weight");
        Bias = parameters.Value(name + ".bias");
        WeightGrad = parameters.Gradient(name + ".weight");
        BiasGrad = parameters.Gradient(name + ".bias");
        RunningMean = parameters.Value(name + ".running_mean");
        RunningVar = parameters.Value(name + ".running_var");
        _runningMeanGrad = parameters.Gradient(name + ".running_mean");
        _runningVarGrad = parameters.Gradient(name + ".running_var");
        _saveMean = workspace.Matrix(1, channels).View;
        _saveInvStd = workspace.Matrix(1, channels).View;
        _frozenGrads = workspace.Matrix(1, 2 * channels).View;
    }

    /// <summary>The parameters' name prefix.</summary>
    public string Name { get; }

    /// <summary>Momentum of the running estimates (PyTorch's default 0.1).</summary>
    public float Momentum { get; }

    /// <summary>Added to the variance (PyTorch's default 1e-5).</summary>
    public float Eps { get; }

    /// <summary>gamma [C].</summary>
    public BufferView<float> Weight { get; }

    /// <summary>beta [C].</summary>
    public BufferView<float> Bias { get; }

    /// <summary>gamma's gradient (accumulates).</summary>
    public BufferView<float> WeightGrad { get; }

    /// <summary>beta's gradient (accumulates).</summary>
    public BufferView<float> BiasGrad { get; }

    /// <summary>Running mean [C] (a buffer: saved, never trained).</summary>
    public BufferView<float> RunningMean { get; }

    /// <summary>Running (unbiased) variance [C] (a buffer: saved, never trained).</summary>
    public BufferView<float> RunningVar { get; }

    /// <summary>Training-mode forwards so far (PyTorch's num_batches_tracked, an int64 scalar).</summary>
    public long NumBatchesTracked { get; set; }

    /// <summary>The PyTorch class this layer matches: BatchNorm1d on flat rows, else BatchNorm2d.</summary>
    public string TorchClass => InputShape.IsFlat ? "BatchNorm1d" : "BatchNorm2d";

    /// <summary>The arena entries of this layer, PyTorch names, all [C].</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(string name, int channels) =>
        [(name + ".weight", [channels]), (name + ".bias", [channels]), (name + ".running_mean", [channels]),
            (name + ".running_var", [channels])];

    /// <summary>PyTorch's initial state: weight 1, bias 0, running mean 0, running var 1,
    /// 0 batches.</summary>
    public void ResetParameters()
    {
        Accelerator.Fill(Weight, 1);
        Accelerator.Fill(Bias, 0);
        Accelerator.Fill(RunningMean, 0);
        Accelerator.Fill(RunningVar, 1);
        NumBatchesTracked = 0;
    }

    /// <inheritdoc/>
    protected override void ForwardCore(Tensor output, Tensor input)
    {
        // y (B, C S) from x (B, C S), S = H W; statistics (C) saved for backward
        _forwardTraining = Training;
        Accelerator.BatchNormForward(Training, input.Rows, InputShape.Channels, _spatial, input.View, Weight,
            Bias, RunningMean, RunningVar, _saveMean, _saveInvStd, output.View, Momentum, Eps);
        if (Training) NumBatchesTracked++;
    }

    /// <inheritdoc/>
    protected override void BackwardCore(Tensor inputGrad, bool accumulateInputGrad, Tensor outputGrad,
        Tensor input, Tensor output)
    {
        if (accumulateInputGrad)
            throw new NotSupportedException(
                "BatchNorm assigns its input gradient; accumulation is not supported");
        if (inputGrad.IsEmpty)
            throw new NotSupportedException("BatchNorm computes dgamma and dbeta together with dx; give dx");
        // dx (B, C S); dgamma, dbeta (C) += per-channel sums (into scratch while Frozen: one op makes all)
        int channels = InputShape.Channels;
        var (dgamma, dbeta) = Frozen
            ? (_frozenGrads.Slice(0, channels), _frozenGrads.Slice(channels, channels))
            : (WeightGrad, BiasGrad);
        if (AssignParameterGradients && !Frozen)
        {
            // The op adds: to assign, it adds to zeros. The running statistics' gradients are never
            // written; assigning leaves no stale value there either.
            Accelerator.Fill(WeightGrad, 0);
            Accelerator.Fill(BiasGrad, 0);
            Accelerator.Fill(_runningMeanGrad, 0);
            Accelerator.Fill(_runningVarGrad, 0);
        }
        Accelerator.BatchNormBackward(_forwardTraining, input.Rows, channels, _spatial, input.View,
            outputGrad.View, Weight, _saveMean, _saveInvStd, inputGrad.View, dgamma, dbeta);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{TorchClass} {Name} {InputShape}";
}
