// The layer lists of a model in PyTorch's terms: encoder (an nn.Sequential), the mu and logvar heads,
// decoder (an nn.Sequential). For a conv model the parameter names are those module paths
// (encoder.0.weight, mu.bias, decoder.7.weight); MLP models keep their historical names and get the
// list for documentation. A CVAE appends the one-hot label before encoder[LabelAt] and to z.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>Encoder, heads and decoder of a model as torch.nn layer specs.</summary>
public sealed record ModelArchitecture(IReadOnlyList<LayerSpec> Encoder, int EncoderLabelAt, LayerSpec Mu,
    LayerSpec? Logvar, IReadOnlyList<LayerSpec> Decoder, bool DecoderLabel)
{
    private const int Kernel = 4, Stride = 2, Padding = 1; // each conv halves (or doubles) H and W

    /// <summary>The architecture of <paramref name="config"/> (validated first).</summary>
    public static ModelArchitecture Of(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config.Arch == ModelArch.Conv ? Conv(config) : Mlp(config);
    }

    private static ModelArchitecture Conv(ModelConfig config)
    {
        bool cvae = config.Kind == ModelKind.Cvae;
        int labels = cvae ? config.Classes : 0, hidden = config.Encoder[0];
        int[] channels = config.Channels;
        var shape = config.ImageShapeOrSquare;                       // (C, H, W)
        var encoder = new List<LayerSpec>();
        foreach (int c in channels)
        {
            var next = new ImageShape(c, shape.Height / 2, shape.Width / 2);
            encoder.Add(ConvSpec("Conv2d", $"encoder.{encoder.Count}", shape, next));
            if (config.BatchNorm) encoder.Add(Norm($"encoder.{encoder.Count}", next));
            encoder.Add(Act(config.Activation, next));
            shape = next;
        }
        var features = shape;                                        // (c_last, H/2^n, W/2^n)
        encoder.Add(new LayerSpec("Flatten", [new("start_dim", 1)], null, features,
            ImageShape.Flat(features.Size)));
        int labelAt = cvae ? encoder.Count : -1;
        encoder.Add(LinearSpec($"encoder.{encoder.Count}", features.Size + labels, hidden));
        encoder.Add(Act(config.Activation, ImageShape.Flat(hidden)));
        var mu = LinearSpec("mu", hidden, config.Latent);
        var logvar = config.IsVariational ? LinearSpec("logvar", hidden, config.Latent) : null;

        var decoder = new List<LayerSpec>
        {
            LinearSpec("decoder.0", config.Latent + labels, hidden),
            Act(config.Activation, ImageShape.Flat(hidden)),
            LinearSpec("decoder.2", hidden, features.Size),
            Act(config.Activation, ImageShape.Flat(features.Size)),
            new("Unflatten", [new("dim", 1), new("unflattened_size", new[]
                { features.Channels, features.Height, features.Width })], null,
                ImageShape.Flat(features.Size), features),
        };
        shape = features;
        for (int i = channels.Length - 1; i >= 0; i--)
        {
            bool last = i == 0;
            var next = new ImageShape(last ? config.ImageShapeOrSquare.Channels : channels[i - 1],
                shape.Height * 2, shape.Width * 2);
            decoder.Add(ConvSpec("ConvTranspose2d", $"decoder.{decoder.Count}", shape, next));
            shape = next;
            if (last) break;
            if (config.BatchNorm) decoder.Add(Norm($"decoder.{decoder.Count}", next));
            decoder.Add(Act(config.Activation, next));
        }
        return new(encoder, labelAt, mu, logvar, decoder, cvae);
    }

    private static ModelArchitecture Mlp(ModelConfig config)
    {
        bool cvae = config.Kind == ModelKind.Cvae;
        var encoder = new List<LayerSpec>();
        int width = config.EncoderInputDim;
        for (int i = 0; i < config.Encoder.Length; i++)
        {
            encoder.Add(LinearSpec($"encoder.layers.{i}", width, config.Encoder[i]));
            encoder.Add(Act(config.Activation, ImageShape.Flat(config.Encoder[i])));
            width = config.Encoder[i];
        }
        var mu = LinearSpec("encoder.mu", width, config.Latent);
        var logvar = config.IsVariational ? LinearSpec("encoder.logvar", width, config.Latent) : null;
        var decoder = new List<LayerSpec>();
        width = config.DecoderInputDim;
        for (int i = 0; i < config.Decoder.Length; i++)
        {
            decoder.Add(LinearSpec($"decoder.layers.{i}", width, config.Decoder[i]));
            decoder.Add(Act(config.Activation, ImageShape.Flat(config.Decoder[i])));
            width = config.Decoder[i];
        }
        decoder.Add(LinearSpec("decoder.out", width, config.InputDim));
        return new(encoder, cvae ? 0 : -1, mu, logvar, decoder, cvae);
    }

    /// <summary>Every parameter entry (name, PyTorch shape) in arena order: encoder, mu, logvar,
    /// decoder.</summary>
    public IEnumerable<(string Name, int[] Shape)> ParameterShapes()
    {
        IEnumerable<LayerSpec> all = [.. Encoder, Mu, .. Logvar is null ? [] : new[] { Logvar }, .. Decoder];
        foreach (var spec in all)
            foreach (var entry in ParameterShapes(spec)) yield return entry;
    }

    private static IEnumerable<(string Name, int[] Shape)> ParameterShapes(LayerSpec spec) =>
        SpecLayers.ParameterShapes(spec);

    internal static LayerSpec LinearSpec(string name, int inputs, int outputs) =>
        new("Linear", [new("in_features", inputs), new("out_features", outputs)], name,
            ImageShape.Flat(inputs), ImageShape.Flat(outputs));

    private static LayerSpec ConvSpec(string type, string name, ImageShape input, ImageShape output) =>
        new(type, [new("in_channels", input.Channels), new("out_channels", output.Channels),
            new("kernel_size", Kernel), new("stride", Stride), new("padding", Padding)], name, input, output);

    private static LayerSpec Norm(string name, ImageShape shape) =>
        new("BatchNorm2d", [new("num_features", shape.Channels)], name, shape, shape);

    /// <summary>The torch.nn activation of <paramref name="activation"/> (LeakyReLU's slope is
    /// ours).</summary>
    public static LayerSpec Act(Activation activation, ImageShape shape) => activation switch
    {
        Activation.Relu => new("ReLU", [], null, shape, shape),
        Activation.LeakyRelu => new("LeakyReLU", [new("negative_slope", 0.01)], null, shape, shape),
        Activation.Tanh => new("Tanh", [], null, shape, shape),
        Activation.Sigmoid => new("Sigmoid", [], null, shape, shape),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no torch.nn activation"),
    };

    /// <summary>The activation a torch.nn class name stands for, or null when it is not one.</summary>
    public static Activation? ActivationOf(string type) => type switch
    {
        "ReLU" => Activation.Relu, "LeakyReLU" => Activation.LeakyRelu, "Tanh" => Activation.Tanh,
        "Sigmoid" => Activation.Sigmoid, _ => null,
    };
}
