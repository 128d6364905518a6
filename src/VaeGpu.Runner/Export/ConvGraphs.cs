// The ONNX graphs of the conv models (vae, cvae, ae), built by walking their ModelArchitecture: each
// torch.nn layer becomes its ONNX operator (Linear -> Gemm, Conv2d -> Conv, ConvTranspose2d ->
// ConvTranspose, Flatten/Unflatten -> Flatten/Reshape, batch norm -> BatchNormalization). Images stay
// rows (B, C H W) at the graph's edges, as in the MLP graphs.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Export;

/// <summary>Builds the decoder and encoder graphs of a conv VAE, CVAE or AE.</summary>
public static class ConvGraphs
{
    /// <summary>The graph of <paramref name="part"/> (Decoder or Encoder) with the given
    /// parameters.</summary>
    public static (OnnxGraphBuilder Builder, OnnxSignature Signature) Build(ModelConfig config,
        ExportPart part, IReadOnlyList<NamedTensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        var arch = ModelArchitecture.Of(config);
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        return part switch
        {
            ExportPart.Decoder => DecoderCore(config, arch, byName),
            ExportPart.Encoder => EncoderCore(config, arch, byName),
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, "a conv model has no such part"),
        };
    }

    private static (OnnxGraphBuilder, OnnxSignature) DecoderCore(ModelConfig config, ModelArchitecture arch,
        Dictionary<string, NamedTensor> parameters)
    {
        var b = new OnnxGraphBuilder("decoder");
        var inputs = new List<OnnxValue> { new("z", [config.Latent], "latent code, e.g. z ~ N(0, I)") };
        string h = b.Input("z", inputs[0].Doc, config.Latent); // (B, L)
        if (config.Kind == ModelKind.Cvae)
        {
            inputs.Add(new("label", [config.Classes], "one-hot digit label"));
            string label = b.Input("label", inputs[1].Doc, config.Classes); // (B, K)
            h = b.Concat([h, label], "decoder_input");                      // (B, L + K)
        }
        foreach (var spec in arch.Decoder) h = Layer(b, parameters, spec, h); // (B, C, H, W) logits
        var output = new OnnxValue("image", [config.InputDim],
            "pixels in [0, 1], the sigmoid of the logits, row-major channels x image_height x image_width");
        b.Activation(b.Flatten(h), Activation.Sigmoid, output.Name); // (B, D)
        b.Output(output.Name, output.Doc, output.Dims);
        return (b, new OnnxSignature(inputs, [output]));
    }

    private static (OnnxGraphBuilder, OnnxSignature) EncoderCore(ModelConfig config, ModelArchitecture arch,
        Dictionary<string, NamedTensor> parameters)
    {
        var b = new OnnxGraphBuilder("encoder");
        var image = config.ImageShapeOrSquare;
        var inputs = new List<OnnxValue>
        {
            new("image", [config.InputDim],
                "pixels in [0, 1], row-major channels x image_height x image_width"),
        };
        string h = b.Reshape(b.Input("image", inputs[0].Doc, config.InputDim),
            [image.Channels, image.Height, image.Width]);           // (B, C, H, W)
        string? label = null;
        if (config.Kind == ModelKind.Cvae)
        {
            inputs.Add(new("label", [config.Classes], "one-hot digit label"));
            label = b.Input("label", inputs[1].Doc, config.Classes); // (B, K)
        }
        for (int i = 0; i < arch.Encoder.Count; i++)
        {
            if (i == arch.EncoderLabelAt) h = b.Concat([h, label!], "encoder_features"); // (B, F + K)
            h = Layer(b, parameters, arch.Encoder[i], h);
        }
        var outputs = new List<OnnxValue>
        {
            new("mu", [config.Latent], config.IsVariational
                ? "mean of q(z | x)" : "the code z (a plain autoencoder's encoder is deterministic)"),
        };
        Layer(b, parameters, arch.Mu, h, "mu"); // (B, L)
        if (arch.Logvar is not null)
        {
            outputs.Add(new("logvar", [config.Latent], "log-variance of q(z | x)"));
            Layer(b, parameters, arch.Logvar, h, "logvar");
        }
        foreach (var output in outputs) b.Output(output.Name, output.Doc, output.Dims);
        return (b, new OnnxSignature(inputs, outputs));
    }

    /// <summary>
    /// One torch.nn layer as its ONNX operator (also the GANs' generators, GanGraphs). Batch norm in eval
    /// form is a BatchNormalization node with the running statistics (BatchNorm1d on rows (B, F) is
    /// viewed as (B, F, 1, 1) around it).
    /// </summary>
    internal static string Layer(OnnxGraphBuilder b, Dictionary<string, NamedTensor> parameters,
        LayerSpec spec, string x, string? output = null)
    {
        if (ModelArchitecture.ActivationOf(spec.Type) is { } act) return b.Activation(x, act, output);
        switch (spec.Type)
        {
            case "Flatten": return b.Flatten(x, output);
            case "Unflatten":
                return b.Reshape(x, [spec.Output.Channels, spec.Output.Height, spec.Output.Width], output);
            case "BatchNorm1d" or "BatchNorm2d": return BatchNorm(b, parameters, spec, x, output);
        }
        var weight = Parameter(parameters, spec.Name + ".weight");
        var bias = Parameter(parameters, spec.Name + ".bias");
        string w = b.Initializer(weight.Name, weight.Shape, weight.Data);
        string bi = b.Initializer(bias.Name, bias.Shape, bias.Data);
        return spec.Type switch
        {
            "Linear" => b.Gemm(x, w, bi, output),
            "Conv2d" => b.Conv2d(x, w, bi, spec.Int("stride"), spec.Int("padding"), output),
            "ConvTranspose2d" =>
                b.ConvTranspose2d(x, w, bi, spec.Int("stride"), spec.Int("padding"), 0, output),
            _ => throw new NotSupportedException($"no ONNX operator for {spec}"),
        };
    }

    // y = gamma (x - running_mean) / sqrt(running_var + eps) + beta per channel (PyTorch's eval mode).
    private static string BatchNorm(OnnxGraphBuilder b, Dictionary<string, NamedTensor> parameters,
        LayerSpec spec, string x, string? output)
    {
        string Tensor(string suffix)
        {
            var t = Parameter(parameters, spec.Name + suffix);
            return b.Initializer(t.Name, t.Shape, t.Data);
        }
        bool rows = spec.Type == "BatchNorm1d";
        int features = spec.Int("num_features");
        string input = rows ? b.Reshape(x, [features, 1, 1]) : x; // (B, F) -> (B, F, 1, 1)
        string y = b.Node("BatchNormalization",
            [input, Tensor(".weight"), Tensor(".bias"), Tensor(".running_mean"), Tensor(".running_var")],
            rows ? null : output, OnnxGraphBuilder.FloatAttribute("epsilon", BatchNormEpsilon));
        return rows ? b.Flatten(y, output) : y;
    }

    // PyTorch's default, which the layers use (VaeGpu.Layers.BatchNorm).
    private const float BatchNormEpsilon = 1e-5f;

    private static NamedTensor Parameter(Dictionary<string, NamedTensor> parameters, string name) =>
        parameters.TryGetValue(name, out var tensor) ? tensor
            : throw new ArgumentException($"parameter '{name}' is missing", nameof(parameters));
}
