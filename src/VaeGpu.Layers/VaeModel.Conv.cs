// Building a model's layers from its ModelArchitecture (the conv models): the encoder is split at
// the point where a CVAE appends its label (front: convolutions to Flatten; back: the Linear), the
// decoder is one Sequential ending in the last ConvTranspose2d's logits. A Linear followed by its
// activation fuses them (one GEMM epilogue); other activations are layers of their own.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

public sealed partial class VaeModel
{
    /// <summary>The model's layers as torch.nn specs (what config.json's "architecture" lists).</summary>
    public ModelArchitecture Architecture { get; }

    /// <summary>Every layer of the model in order (encoder, mu, logvar, decoder), for tests and
    /// tools.</summary>
    public IEnumerable<Layer> AllLayers =>
        [.. _encoderFront?.Layers ?? [], .. _encoder?.Layers ?? [], _muHead,
            .. _logvarHead is null ? [] : new Layer[] { _logvarHead }, .. _decoder.Layers];

    private static List<Layer> BuildLayers(Workspace ws, ParameterArena parameters,
        IReadOnlyList<LayerSpec> specs, int from, int to)
    {
        var layers = new List<Layer>();
        for (int i = from; i < to; i++)
        {
            var spec = specs[i];
            Activation? fused = spec.Type == "Linear" && i + 1 < to
                ? ModelArchitecture.ActivationOf(specs[i + 1].Type) : null;
            layers.Add(BuildLayer(ws, parameters, spec, fused ?? Activation.Identity));
            if (fused is not null) i++; // the activation spec is inside the Linear
        }
        return layers;
    }

    private static Layer BuildLayer(Workspace ws, ParameterArena parameters, LayerSpec spec,
        Activation fused)
    {
        if (ModelArchitecture.ActivationOf(spec.Type) is { } act)
            return new ActivationLayer(ws, spec.Input, act);
        return spec.Type switch
        {
            "Linear" => new Linear(ws, parameters, spec.Name!, spec.Input.Size, spec.Output.Size, fused),
            "Conv2d" => new Conv2d(ws, parameters, spec.Name!, spec.Input, spec.Int("out_channels"),
                spec.Int("kernel_size"), spec.Int("stride"), spec.Int("padding")),
            "ConvTranspose2d" => new ConvTranspose2d(ws, parameters, spec.Name!, spec.Input,
                spec.Int("out_channels"), spec.Int("kernel_size"), spec.Int("stride"), spec.Int("padding")),
            "BatchNorm2d" => new BatchNorm(ws, parameters, spec.Name!, spec.Input),
            "Flatten" => new Flatten(ws, spec.Input),
            "Unflatten" => new Unflatten(ws, spec.Output),
            _ => throw new NotSupportedException($"no layer for {spec}"),
        };
    }

    /// <summary>Training mode for batch norm (training steps) or eval mode (evaluation, encode,
    /// decode); a loop over a few layers, no allocation.</summary>
    private void SetTraining(bool training)
    {
        if (!_hasBatchNorm) return;
        _encoderFront?.SetTraining(training);
        _encoder?.SetTraining(training);
        _decoder.SetTraining(training);
    }

    /// <summary>Initializes every parameter like PyTorch: Linear, Conv2d and ConvTranspose2d weights and
    /// biases uniform in +-1/sqrt(fan_in) (fan_in = weight.size(1) x kernel area, as torch computes
    /// it), batch norm weight 1, bias 0, running mean 0 and var 1; from SplitMix64(seed), table
    /// order.</summary>
    private static void InitializeParameters(ParameterArena arena, ulong seed)
    {
        var values = new float[arena.Count];
        var random = new SplitMix64(seed);
        foreach (var info in arena.Table)
        {
            string prefix = info.Name[..info.Name.LastIndexOf('.')];
            bool norm = arena.Table.Any(t => t.Name == prefix + ".running_mean");
            if (norm)
            {
                float value = info.Name.EndsWith(".weight", StringComparison.Ordinal)
                    || info.Name.EndsWith(".running_var", StringComparison.Ordinal) ? 1 : 0;
                Array.Fill(values, value, info.Offset, info.Length);
                continue;
            }
            int[] weight = arena[prefix + ".weight"].Shape;
            int fanIn = weight[1];
            for (int d = 2; d < weight.Length; d++) fanIn *= weight[d];
            float bound = 1f / MathF.Sqrt(fanIn);
            for (int i = 0; i < info.Length; i++) values[info.Offset + i] = random.NextUniform(bound);
        }
        arena.WriteValues(values);
    }
}
