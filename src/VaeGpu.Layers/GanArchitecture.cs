// The generator and discriminator of a GAN as torch.nn layer specs, named as the nn.Sequential
// attributes `generator` and `discriminator` would name them (generator.2.running_mean,
// discriminator.7.weight). The fully connected GANs: Linear + activation per hidden layer. The dcgan:
//   D Conv2d(C,32,5) LeakyReLU MaxPool2d(2) Conv2d(32,64,5) LeakyReLU MaxPool2d(2) Flatten
//     Linear(F,F) LeakyReLU Linear(F,1), F = 64 x (D's side after the pools)^2 (1024 on 28x28);
//   G Linear(96,1024) ReLU BatchNorm1d Linear(1024,128 H/4 W/4) ReLU BatchNorm1d Unflatten
//     ConvTranspose2d(128,64,4,2,1) ReLU BatchNorm2d ConvTranspose2d(64,C,4,2,1) Tanh.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

/// <summary>G's and D's layers of a GAN as torch.nn specs.</summary>
public sealed record GanArchitecture(IReadOnlyList<LayerSpec> Generator,
    IReadOnlyList<LayerSpec> Discriminator)
{
    /// <summary>The architecture of <paramref name="config"/> (validated first).</summary>
    public static GanArchitecture Of(GanConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config.IsConvolutional ? Dcgan(config) : Mlp(config);
    }

    /// <summary>Every parameter entry (name, PyTorch shape) in arena order: G, then D.</summary>
    public IEnumerable<(string Name, int[] Shape)> ParameterShapes() =>
        Generator.Concat(Discriminator).SelectMany(SpecLayers.ParameterShapes);

    private static GanArchitecture Mlp(GanConfig config)
    {
        int c = config.LabelColumns;
        return new(Stack("generator", config.Noise + c, config.GHidden, config.InputDim, Activation.Relu,
                Activation.Tanh),
            Stack("discriminator", config.InputDim + c, config.DHidden, 1, Activation.LeakyRelu, null));
    }

    private static List<LayerSpec> Stack(string prefix, int input, int[] hidden, int output, Activation act,
        Activation? last)
    {
        var specs = new List<LayerSpec>();
        int width = input;
        for (int i = 0; i <= hidden.Length; i++)
        {
            bool top = i == hidden.Length;
            int next = top ? output : hidden[i];
            specs.Add(ModelArchitecture.LinearSpec($"{prefix}.{specs.Count}", width, next));
            if (!top) specs.Add(ModelArchitecture.Act(act, ImageShape.Flat(next)));
            else if (last is { } a) specs.Add(ModelArchitecture.Act(a, ImageShape.Flat(next)));
            width = next;
        }
        return specs;
    }

    private static GanArchitecture Dcgan(GanConfig config)
    {
        var image = config.ImageOrSquare;                           // (C, H, W)
        int[] dc = config.DChannels, gc = config.GChannels;
        var d = new List<LayerSpec>();
        var shape = image;
        foreach (int channels in dc)
        {
            var conv = Conv2d.OutputShapeOf(shape, channels, 5, 1, 0);
            d.Add(new("Conv2d", [new("in_channels", shape.Channels), new("out_channels", channels),
                new("kernel_size", 5), new("stride", 1), new("padding", 0)], $"discriminator.{d.Count}",
                shape, conv));
            d.Add(ModelArchitecture.Act(Activation.LeakyRelu, conv));
            shape = MaxPool2d.OutputShapeOf(conv, 2, 2);
            d.Add(new("MaxPool2d", [new("kernel_size", 2), new("stride", 2)], null, conv, shape));
        }
        int f = shape.Size;                                         // F = 1024 on 28x28
        d.Add(new("Flatten", [new("start_dim", 1)], null, shape, ImageShape.Flat(f)));
        d.Add(ModelArchitecture.LinearSpec($"discriminator.{d.Count}", f, f));
        d.Add(ModelArchitecture.Act(Activation.LeakyRelu, ImageShape.Flat(f)));
        d.Add(ModelArchitecture.LinearSpec($"discriminator.{d.Count}", f, 1));

        int hidden = config.GHidden[0];
        var small = new ImageShape(gc[0], image.Height / 4, image.Width / 4); // (128, H/4, W/4)
        var g = new List<LayerSpec>();
        g.Add(ModelArchitecture.LinearSpec($"generator.{g.Count}", config.Noise, hidden));
        g.Add(ModelArchitecture.Act(Activation.Relu, ImageShape.Flat(hidden)));
        g.Add(Norm("BatchNorm1d", $"generator.{g.Count}", ImageShape.Flat(hidden)));
        g.Add(ModelArchitecture.LinearSpec($"generator.{g.Count}", hidden, small.Size));
        g.Add(ModelArchitecture.Act(Activation.Relu, ImageShape.Flat(small.Size)));
        g.Add(Norm("BatchNorm1d", $"generator.{g.Count}", ImageShape.Flat(small.Size)));
        g.Add(new("Unflatten", [new("dim", 1), new("unflattened_size",
            new[] { small.Channels, small.Height, small.Width })], null, ImageShape.Flat(small.Size), small));
        var middle = new ImageShape(gc[1], image.Height / 2, image.Width / 2);
        g.Add(Transposed($"generator.{g.Count}", small, middle));
        g.Add(ModelArchitecture.Act(Activation.Relu, middle));
        g.Add(Norm("BatchNorm2d", $"generator.{g.Count}", middle));
        g.Add(Transposed($"generator.{g.Count}", middle, image));
        g.Add(ModelArchitecture.Act(Activation.Tanh, image));
        return new(g, d);
    }

    private static LayerSpec Transposed(string name, ImageShape input, ImageShape output) =>
        new("ConvTranspose2d", [new("in_channels", input.Channels), new("out_channels", output.Channels),
            new("kernel_size", 4), new("stride", 2), new("padding", 1)], name, input, output);

    private static LayerSpec Norm(string type, string name, ImageShape shape) =>
        new(type, [new("num_features", shape.Channels)], name, shape, shape);
}
