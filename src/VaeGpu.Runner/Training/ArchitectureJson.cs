// config.json's "architecture": the model's encoder and decoder as lists of torch.nn layers (class
// name and constructor arguments), the mu/logvar Linear heads, and where a CVAE appends its one-hot
// label, so a PyTorch user rebuilds the module from config.json alone (README "Convolutional models");
// for a GAN its generator and discriminator lists.
using System.Text.Json.Nodes;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training;

/// <summary>Writes a model's <see cref="ModelArchitecture"/> as JSON.</summary>
public static class ArchitectureJson
{
    /// <summary>The "architecture" object of a run's model.</summary>
    public static JsonObject Of(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsGan) return Gan(config);
        var model = ModelFactory.ToModelConfig(config);
        var arch = ModelArchitecture.Of(model);
        var json = new JsonObject
        {
            // conv: names are module paths (encoder.0.weight, mu.bias); mlp: the historical names
            ["parameter_names"] =
                model.Arch == ModelArch.Conv ? "module_paths" : "encoder.layers.N/decoder.out",
            ["encoder"] = List(arch.Encoder),
            ["mu"] = Layer(arch.Mu),
            ["logvar"] = arch.Logvar is null ? null : Layer(arch.Logvar),
            ["decoder"] = List(arch.Decoder),
        };
        if (arch.EncoderLabelAt >= 0)
        {
            json["one_hot_appended_before_encoder_index"] = arch.EncoderLabelAt;
            json["one_hot_appended_to_z"] = arch.DecoderLabel;
            json["one_hot_classes"] = model.Classes;
        }
        return json;
    }

    /// <summary>A GAN's "architecture": its nn.Sequential attributes generator and discriminator.</summary>
    private static JsonObject Gan(RunConfig config)
    {
        var arch = GanArchitecture.Of(ModelFactory.ToGanConfig(config));
        return new JsonObject
        {
            ["parameter_names"] = "module_paths",
            ["generator"] = List(arch.Generator),
            ["discriminator"] = List(arch.Discriminator),
        };
    }

    private static JsonArray List(IEnumerable<LayerSpec> specs) => [.. specs.Select(Layer)];

    private static JsonObject Layer(LayerSpec spec)
    {
        var json = new JsonObject { ["type"] = spec.Type };
        foreach (var (key, value) in spec.Args)
            json[key] = value switch
            {
                int[] list => new JsonArray([.. list.Select(v => (JsonNode)v)]),
                int n => n,
                double d => d,
                _ => value.ToString(),
            };
        return json;
    }
}
