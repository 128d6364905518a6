// The user-visible names of the enums a setting can take ("leaky-relu", "rmsprop", "cvae"): one list
// per enum, used by the command line, sweep keys, config.json (a JSON converter) and messages, so a
// name is spelled in exactly one place.
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeGpu.Kernels;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training.Settings;

/// <summary>The names of each settings enum, in the order help lists them.</summary>
public static class EnumNames
{
    private static readonly Dictionary<Type, (Enum Value, string Name)[]> Table = new()
    {
        [typeof(ModelKind)] =
        [
            (ModelKind.Vae, "vae"), (ModelKind.Cvae, "cvae"), (ModelKind.Ae, "ae"), (ModelKind.Gan, "gan"),
            (ModelKind.Lsgan, "lsgan"), (ModelKind.Cgan, "cgan"), (ModelKind.Dcgan, "dcgan"),
        ],
        [typeof(ModelArch)] = [(ModelArch.Mlp, "mlp"), (ModelArch.Conv, "conv")],
        [typeof(Activation)] =
            [(Activation.Relu, "relu"), (Activation.LeakyRelu, "leaky-relu"), (Activation.Tanh, "tanh")],
        [typeof(ReconstructionLoss)] = [(ReconstructionLoss.Bce, "bce"), (ReconstructionLoss.Mse, "mse")],
        [typeof(OptimizerKind)] =
        [
            (OptimizerKind.Adam, "adam"), (OptimizerKind.Sgd, "sgd"), (OptimizerKind.RmsProp, "rmsprop"),
            (OptimizerKind.Adagrad, "adagrad"),
        ],
        [typeof(AcceleratorKind)] =
        [
            (AcceleratorKind.Cpu, "cpu"), (AcceleratorKind.OpenCL, "opencl"), (AcceleratorKind.Cuda, "cuda"),
        ],
    };

    /// <summary>The names <typeparamref name="T"/> may take, in help order.</summary>
    public static string[] Of<T>() where T : struct, Enum => [.. Entries<T>().Select(e => e.Name)];

    /// <summary>The name of <paramref name="value"/> ("leaky-relu").</summary>
    public static string Name<T>(this T value) where T : struct, Enum =>
        Entries<T>().FirstOrDefault(e => e.Value.Equals(value)).Name
        ?? throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name} has no user name");

    /// <summary>The value named <paramref name="name"/>, or null.</summary>
    public static T? TryParse<T>(string name) where T : struct, Enum =>
        Entries<T>().FirstOrDefault(e => e.Name == name) is { Name: not null } e ? (T)e.Value : null;

    private static IEnumerable<(Enum Value, string Name)> Entries<T>() where T : struct, Enum =>
        Table.TryGetValue(typeof(T), out var entries) ? entries
            : throw new InvalidOperationException($"{typeof(T).Name} is not a settings enum");

    /// <summary>Reads and writes a settings enum as its name in config.json.</summary>
    public sealed class JsonConverter<T> : System.Text.Json.Serialization.JsonConverter<T>
        where T : struct, Enum
    {
        /// <inheritdoc/>
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            return text is not null && TryParse<T>(text) is { } value ? value
                : throw new JsonException($"expected one of {string.Join(", ", Of<T>())}, got {text ?? "a "
                    + reader.TokenType.ToString().ToLowerInvariant()}");
        }

        /// <inheritdoc/>
        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Name());
    }

    /// <summary>Adds a converter for every settings enum to <paramref name="options"/>.</summary>
    internal static void AddConverters(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonConverter<ModelKind>());
        options.Converters.Add(new JsonConverter<ModelArch>());
        options.Converters.Add(new JsonConverter<Activation>());
        options.Converters.Add(new JsonConverter<ReconstructionLoss>());
        options.Converters.Add(new JsonConverter<OptimizerKind>());
        options.Converters.Add(new JsonConverter<AcceleratorKind>());
    }
}
