// The ONNX graph of a GAN's generator (gan, lsgan, cgan, dcgan), built by walking GanArchitecture's
// generator specs with the conv graphs' layer mapping (Linear, ReLU, BatchNorm1d/2d in eval form,
// Unflatten, ConvTranspose2d, Tanh). Input: noise (B, Noise), uniform in [-1, 1] as in training, and for a
// cgan a one-hot label (B, classes) appended to it; output: image rows (B, C H W) in [0, 1], that is
// (tanh + 1) / 2, the same range as a VAE decoder's file.
using VaeGpu.Layers;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Export;

/// <summary>Builds the generator graph of a GAN.</summary>
public static class GanGraphs
{
    /// <summary>The generator graph with the given (named) parameters.</summary>
    public static (OnnxGraphBuilder Builder, OnnxSignature Signature) Generator(GanConfig config,
        IReadOnlyList<NamedTensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var b = new OnnxGraphBuilder("generator");
        var inputs = new List<OnnxValue>
        {
            new("noise", [config.Noise], "noise uniform in [-1, 1], as in training"),
        };
        string h = b.Input("noise", inputs[0].Doc, config.Noise); // (B, Noise)
        if (config.IsConditional)
        {
            inputs.Add(new("label", [config.Classes], "one-hot digit label"));
            string label = b.Input("label", inputs[1].Doc, config.Classes); // (B, K)
            h = b.Concat([h, label], "generator_input");                    // (B, Noise + K)
        }
        foreach (var spec in GanArchitecture.Of(config).Generator)
            h = ConvGraphs.Layer(b, byName, spec, h); // (B, D) or (B, C, H, W), tanh in [-1, 1]
        if (config.IsConvolutional) h = b.Flatten(h); // (B, D)
        var output = new OnnxValue("image", [config.InputDim],
            "pixels in [0, 1], (tanh + 1) / 2 of the generator's output, row-major channels x image_height x "
            + "image_width");
        string half = b.Initializer("half", [1], [0.5f]);
        b.Node("Add", [b.Node("Mul", [h, half], null), half], output.Name); // (B, D) in [0, 1]
        b.Output(output.Name, output.Doc, output.Dims);
        return (b, new OnnxSignature(inputs, [output]));
    }
}
