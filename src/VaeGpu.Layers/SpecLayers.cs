// From torch.nn layer specs (LayerSpec) to our layers, their arena entries and PyTorch's default
// initialization; shared by the conv VAE and the GANs. A Linear followed by its activation fuses
// them (one GEMM epilogue); other activations are layers of their own.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>Builds layers, parameter tables and initial values from layer specs.</summary>
internal static class SpecLayers
{
    /// <summary>The layers of specs[from, to) bound to the arena.</summary>
    public static List<Layer> Build(Workspace ws, ParameterArena parameters, IReadOnlyList<LayerSpec> specs,
        int from, int to)
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

    /// <summary>The arena entries (PyTorch names and shapes) of one spec; none for parameter-free
    /// layers.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(LayerSpec spec) => spec.Type switch
    {
        "Linear" => Linear.ParameterShapes(spec.Name!, spec.Int("in_features"), spec.Int("out_features")),
        "Conv2d" => Conv2d.ParameterShapes(spec.Name!, spec.Int("in_channels"), spec.Int("out_channels"),
            spec.Int("kernel_size")),
        "ConvTranspose2d" => ConvTranspose2d.ParameterShapes(spec.Name!, spec.Int("in_channels"),
            spec.Int("out_channels"), spec.Int("kernel_size")),
        "BatchNorm1d" or "BatchNorm2d" => BatchNorm.ParameterShapes(spec.Name!, spec.Int("num_features")),
        _ => [],
    };

    /// <summary>Initializes every parameter like PyTorch: Linear, Conv2d and ConvTranspose2d weights and
    /// biases uniform in +-1/sqrt(fan_in) (fan_in = weight.size(1) x kernel area, as torch computes
    /// it), batch norm weight 1, bias 0, running mean 0 and var 1; from SplitMix64(seed), table
    /// order.</summary>
    public static void InitializeParameters(ParameterArena arena, ulong seed)
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
            "BatchNorm1d" or "BatchNorm2d" => new BatchNorm(ws, parameters, spec.Name!, spec.Input),
            "MaxPool2d" => new MaxPool2d(ws, spec.Input, spec.Int("kernel_size"), spec.Int("stride")),
            "Flatten" => new Flatten(ws, spec.Input),
            "Unflatten" => new Unflatten(ws, spec.Output),
            _ => throw new NotSupportedException($"no layer for {spec}"),
        };
    }
}
