// Shared by Conv2d and ConvTranspose2d: binding a weight (and optional bias) of a known PyTorch shape
// to its arena views, and PyTorch's default initialization (uniform in +-1/sqrt(fan_in)).
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

internal static class ConvParameters
{
    /// <summary>The weight and bias views and their gradients; shapes checked against the arena.</summary>
    public static (BufferView<float> W, BufferView<float> DW, BufferView<float> B, BufferView<float> DB) Bind(
        ParameterArena parameters, string name, int[] weightShape, int outChannels, bool bias)
    {
        var weight = parameters[name + ".weight"];
        if (!weight.Shape.SequenceEqual(weightShape))
            throw new ArgumentException(
                $"{name}: arena weight {weight.ShapeText} does not fit [{string.Join(", ", weightShape)}]");
        if (!bias) return (parameters.Value(weight.Name), parameters.Gradient(weight.Name), default, default);
        var b = parameters[name + ".bias"];
        if (b.Length != outChannels)
            throw new ArgumentException($"{name}: arena bias {b.ShapeText} does not fit [{outChannels}]");
        return (parameters.Value(weight.Name), parameters.Gradient(weight.Name), parameters.Value(b.Name),
            parameters.Gradient(b.Name));
    }

    /// <summary>Fills weight and bias with uniform values in +-1/sqrt(fanIn).</summary>
    public static void Reset(Accelerator accelerator, ref SplitMix64 random, int fanIn,
        BufferView<float> weight,
        BufferView<float> bias)
    {
        float bound = 1f / MathF.Sqrt(fanIn);
        var values = new float[weight.Length];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextUniform(bound);
        accelerator.CopyFromHost<float>(values, weight);
        if (bias.IsEmpty) return;
        values = new float[bias.Length];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextUniform(bound);
        accelerator.CopyFromHost<float>(values, bias);
    }
}
