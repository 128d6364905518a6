// The hyper-parameters of one optimizer step, passed by value so that a step allocates nothing.
namespace VaeGpu.Kernels;

/// <summary>
/// One optimizer step's settings. <see cref="Step"/> counts from 1 (Adam's bias correction uses it).
/// Adam: Beta1, Beta2, Epsilon. Sgd: Momentum. RmsProp: Alpha, Epsilon. Adagrad: Epsilon.
/// </summary>
public readonly record struct OptimizerParams(
    OptimizerKind Kind,
    float LearningRate,
    long Step,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Epsilon = 1e-8f,
    float Momentum = 0.9f,
    float Alpha = 0.99f)
{
    /// <summary>
    /// Adam's step scalars as PyTorch computes them, in double and then rounded: -lr / (1 - beta1^step)
    /// (addcdiv's value) and sqrt(1 - beta2^step). Every backend takes them from here.
    /// </summary>
    public (float NegativeStepSize, float BiasCorrection2Sqrt) AdamScalars()
    {
        double biasCorrection1 = 1 - Math.Pow(Beta1, Step), biasCorrection2 = 1 - Math.Pow(Beta2, Step);
        return ((float)(-LearningRate / biasCorrection1), (float)Math.Sqrt(biasCorrection2));
    }

    /// <summary>PyTorch's defaults for the given optimizer at step 1.</summary>
    public static OptimizerParams Defaults(OptimizerKind kind, float learningRate) => kind switch
    {
        OptimizerKind.Adagrad => new(kind, learningRate, 1, Epsilon: 1e-10f),
        _ => new(kind, learningRate, 1),
    };
}
