// The ONNX graphs of today's MLP models (vae, cvae, ae), built from their named parameters in PyTorch's
// nn.Linear layout: each Linear is one Gemm (transB = 1) followed by the run's activation. The decoder
// ends in Sigmoid (images in [0, 1]); the encoder ends in the mu and logvar heads. A CVAE's one-hot label
// is concatenated after the pixels (encoder) and after z (decoder), as in training.
using Onnx;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Export;

/// <summary>Builds the decoder and encoder graphs of an MLP VAE, CVAE or AE.</summary>
public static class MlpGraphs
{
    /// <summary>
    /// The graph of <paramref name="part"/> (Decoder or Encoder) with the given parameters; returns the
    /// builder (inputs and outputs declared) and the signature it declared.
    /// </summary>
    public static (OnnxGraphBuilder Builder, OnnxSignature Signature) Build(ModelConfig config,
        ExportPart part, IReadOnlyList<NamedTensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        config.Validate();
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        return part switch
        {
            ExportPart.Decoder => DecoderCore(config, byName),
            ExportPart.Encoder => EncoderCore(config, byName),
            _ => throw new ArgumentOutOfRangeException(nameof(part), part, "an MLP model has no such part"),
        };
    }

    private static (OnnxGraphBuilder, OnnxSignature) DecoderCore(ModelConfig config,
        Dictionary<string, NamedTensor> parameters)
    {
        var b = new OnnxGraphBuilder("decoder");
        var inputs = new List<OnnxValue> { new("z", [config.Latent], "latent code, e.g. z ~ N(0, I)") };
        string h = b.Input("z", inputs[0].Doc, config.Latent); // (B, L)
        if (config.Kind == ModelKind.Cvae)
        {
            inputs.Add(new("label", [config.Classes], "one-hot digit label"));
            string label = b.Input("label", inputs[1].Doc, config.Classes); // (B, C)
            h = b.Concat([h, label], "decoder_input");                      // (B, L + C)
        }
        int width = config.DecoderInputDim;
        for (int i = 0; i < config.Decoder.Length; i++)
        {
            h = Linear(b, parameters, $"decoder.layers.{i}", h, width, config.Decoder[i], config.Activation);
            width = config.Decoder[i]; // (B, Decoder[i])
        }
        string logits = Linear(b, parameters, "decoder.out", h, width, config.InputDim, Activation.Identity);
        var output = new OnnxValue("image", [config.InputDim],
            "pixels in [0, 1], the sigmoid of the logits, row-major image_height x image_width");
        b.Activation(logits, Activation.Sigmoid, output.Name); // (B, D)
        b.Output(output.Name, output.Doc, output.Dims);
        return (b, new OnnxSignature(inputs, [output]));
    }

    private static (OnnxGraphBuilder, OnnxSignature) EncoderCore(ModelConfig config,
        Dictionary<string, NamedTensor> parameters)
    {
        var b = new OnnxGraphBuilder("encoder");
        var inputs = new List<OnnxValue>
        {
            new("image", [config.InputDim], "pixels in [0, 1], row-major image_height x image_width"),
        };
        string h = b.Input("image", inputs[0].Doc, config.InputDim); // (B, D)
        if (config.Kind == ModelKind.Cvae)
        {
            inputs.Add(new("label", [config.Classes], "one-hot digit label"));
            string label = b.Input("label", inputs[1].Doc, config.Classes); // (B, C)
            h = b.Concat([h, label], "encoder_input");                      // (B, D + C)
        }
        int width = config.EncoderInputDim;
        for (int i = 0; i < config.Encoder.Length; i++)
        {
            h = Linear(b, parameters, $"encoder.layers.{i}", h, width, config.Encoder[i], config.Activation);
            width = config.Encoder[i]; // (B, Encoder[i])
        }
        var outputs = new List<OnnxValue>
        {
            new("mu", [config.Latent], config.IsVariational
                ? "mean of q(z | x)" : "the code z (a plain autoencoder's encoder is deterministic)"),
        };
        Linear(b, parameters, "encoder.mu", h, width, config.Latent, Activation.Identity, "mu"); // (B, L)
        if (config.IsVariational)
        {
            outputs.Add(new("logvar", [config.Latent], "log-variance of q(z | x)"));
            Linear(b, parameters, "encoder.logvar", h, width, config.Latent, Activation.Identity, "logvar");
        }
        foreach (var output in outputs) b.Output(output.Name, output.Doc, output.Dims);
        return (b, new OnnxSignature(inputs, outputs));
    }

    /// <summary>One nn.Linear as Gemm(x, W [out, in], b [out], transB = 1), then the activation.</summary>
    private static string Linear(OnnxGraphBuilder b, Dictionary<string, NamedTensor> parameters, string name,
        string x, int inputSize, int outputSize, Activation activation, string? output = null)
    {
        var weight = Parameter(parameters, name + ".weight", [outputSize, inputSize]);
        var bias = Parameter(parameters, name + ".bias", [outputSize]);
        string w = b.Initializer(weight.Name, weight.Shape, weight.Data);
        string bi = b.Initializer(bias.Name, bias.Shape, bias.Data);
        if (activation == Activation.Identity) return b.Gemm(x, w, bi, output);
        return b.Activation(b.Gemm(x, w, bi), activation, output);
    }

    private static NamedTensor Parameter(Dictionary<string, NamedTensor> parameters, string name,
        int[] shape)
    {
        if (!parameters.TryGetValue(name, out var tensor))
            throw new ArgumentException($"parameter '{name}' is missing", nameof(parameters));
        if (!tensor.Shape.SequenceEqual(shape))
            throw new ArgumentException($"parameter '{name}' has shape [{string.Join(", ", tensor.Shape)}], "
                + $"the graph needs [{string.Join(", ", shape)}]", nameof(parameters));
        return tensor;
    }
}
