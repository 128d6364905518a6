// The optimizer: one OptimizerStep launch per step over the whole parameter arena, with the step
// counter (Adam's bias correction) kept here so that checkpoints can save and restore it.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>Updates every parameter of an arena from its gradient in one launch per step.</summary>
public sealed class Optimizer
{
    /// <summary>Creates an optimizer over <paramref name="parameters"/> with zeroed state.</summary>
    public Optimizer(ParameterArena parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
    }

    /// <summary>The arena it updates.</summary>
    public ParameterArena Parameters { get; }

    /// <summary>Steps taken so far (restored on resume).</summary>
    public long StepCount { get; set; }

    /// <summary>
    /// PyTorch's defaults: Adam lr 1e-3, betas 0.9/0.999, eps 1e-8; SGD lr 1e-2 momentum 0.9;
    /// RMSProp lr 1e-2 alpha 0.99 eps 1e-8; Adagrad lr 1e-2 eps 1e-10. A given learningRate overrides lr.
    /// </summary>
    public static OptimizerParams Defaults(OptimizerKind kind, float? learningRate = null) =>
        OptimizerParams.Defaults(kind, learningRate ?? (kind == OptimizerKind.Adam ? 1e-3f : 1e-2f));

    /// <summary>Applies one update; settings.Step is replaced by this optimizer's own counter + 1.</summary>
    public void Step(in OptimizerParams settings)
    {
        StepCount++;
        var current = settings with { Step = StepCount };
        Parameters.Accelerator.OptimizerStep(current, Parameters.Values, Parameters.Gradients,
            Parameters.State1, Parameters.State2, Parameters.Count);
    }

    /// <summary>Zeroes the optimizer state and the step counter.</summary>
    public void Reset()
    {
        StepCount = 0;
        Parameters.ResetOptimizerState();
    }
}
