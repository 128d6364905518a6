// One layer of a model as PyTorch names it: the torch.nn class, its constructor arguments in
// order, and the parameter prefix it saves under (null for layers without parameters). config.json's
// "architecture" is a list of these, so a PyTorch user rebuilds the nn.Sequential from it.
namespace VaeGpu.Layers;

/// <summary>A torch.nn layer: class name, constructor arguments, parameter prefix and row shapes.</summary>
public sealed record LayerSpec(string Type, IReadOnlyList<KeyValuePair<string, object>> Args, string? Name,
    ImageShape Input, ImageShape Output)
{
    /// <summary>The integer argument <paramref name="key"/>; throws when it is absent.</summary>
    public int Int(string key) => (int)Args.First(a => a.Key == key).Value;

    /// <summary>"Conv2d(in_channels=1, out_channels=32, ...)".</summary>
    public override string ToString() =>
        $"{Type}({string.Join(", ", Args.Select(a => $"{a.Key}={Text(a.Value)}"))})";

    private static string Text(object value) =>
        value is int[] list ? "[" + string.Join(", ", list) + "]" : Convert.ToString(value,
            System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
