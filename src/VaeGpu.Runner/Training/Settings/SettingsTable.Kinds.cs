// The kinds of setting the table is made of (choices, counts, layer lists, shorthands) and the
// parsers, checks and formats they share, so that a rule such as "layer lists take ',' or ':'" is
// written once for the command line, sweeps and config.json alike.
using System.Globalization;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.Training.Settings;

public static partial class SettingsTable
{
    /// <summary>The setting named <paramref name="name"/> (or an alias), or null.</summary>
    public static Setting? Find(string name) =>
        All.FirstOrDefault(s => s.Name == name || s.Aliases.Contains(name));

    /// <summary>Null when every setting of <paramref name="config"/> is valid, else the first
    /// message.</summary>
    public static string? Check(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var setting in All)
            if (setting.Check(config) is { } message) return message;
        if (config.IsConditional && config.Classes <= 0)
            return $"--model: expected a dataset with labels for a {config.Model.Name()}";
        // An autoencoder has no KL term: a beta or a warm-up would be silently ignored (issue 19 item 3).
        if (config.IsAutoencoder && config.Beta != 1)
            return $"--beta {FormatReal(config.Beta)}: an ae has no KL term to weigh; beta is for vae " +
                "and cvae";
        if (config.IsAutoencoder && config.KlWarmup != 0)
            return $"--kl-warmup {config.KlWarmup}: an ae has no KL term to warm up; it is for vae and cvae";
        if (config.Model == ModelKind.Dcgan
            && ModelFactory.ToGanConfig(config).ConvProblem() is { } dcgan)
            return $"--model dcgan: {dcgan[(dcgan.IndexOf(':') + 1)..].Trim()} ({config.Dataset} images)";
        return config.Arch == ModelArch.Conv ? ConvProblem(config) : null;
    }

    /// <summary>Null when <paramref name="setting"/> applies to the model and architecture of
    /// <paramref name="config"/>, else the one-line message saying which ones it is for.</summary>
    public static string? ScopeError(Setting setting, RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(config);
        var model = config.Model;
        return setting.Scope switch
        {
            SettingScope.Vae or SettingScope.Conv when model.IsGan() =>
                $"{setting.OptionName}: applies to the VAEs (vae, cvae, ae), not to a {model.Name()}",
            SettingScope.Gan when !model.IsGan() => $"{setting.OptionName}: applies to the GANs (gan, lsgan, "
                + $"cgan, dcgan), not to a {model.Name()}",
            // Silently ignored otherwise: the MLP has no convolutions to widen or normalise.
            SettingScope.Conv when config.Arch != ModelArch.Conv =>
                $"{setting.OptionName}: applies to --arch conv only, not to --arch {config.Arch.Name()}",
            _ => null,
        };
    }

    /// <summary>Why a conv run cannot be built (an MLP-only option, an image size the stride-2 layers
    /// cannot halve), or null.</summary>
    private static string? ConvProblem(RunConfig config)
    {
        if (config.Preset is { } preset)
            return $"--arch conv: --preset {preset} is an MLP preset and does not apply";
        if (config.Encoder.Length != 1 || config.Decoder.Length != 1
            || config.Encoder[0] != config.Decoder[0])
            return "--arch conv: --encoder, --decoder and the depth options do not apply "
                + "(conv has one fully connected width: use --hidden)";
        int factor = 1 << config.Channels.Length;
        if (config.ImageWidth % factor != 0 || config.ImageHeight % factor != 0)
            return $"--arch conv: {config.Channels.Length} stride-2 layers need an image size divisible by "
                + $"{factor}, but {config.Dataset} images are {config.ImageWidth}x{config.ImageHeight}";
        return null;
    }

    /// <summary>The architecture; switching to conv sets its fully connected width to 256 (the
    /// issue's default), which a later --hidden changes.</summary>
    private static RunConfig WithArch(RunConfig config, ModelArch arch) =>
        arch == ModelArch.Conv && config.Arch != ModelArch.Conv
            ? config with { Arch = arch, Encoder = [256], Decoder = [256] }
            : config with { Arch = arch };

    /// <summary>A switch: no value (or true/on/1) is true, false/off/0 is false.</summary>
    private static bool Flag(string text, out bool value)
    {
        value = text.Length == 0 || text is "true" or "on" or "1" or "yes";
        return value || text is "false" or "off" or "0" or "no";
    }

    /// <summary>A configuration's image size from its dataset name.</summary>
    public static RunConfig WithDataset(RunConfig config, string dataset)
    {
        var info = DatasetCatalog.Get(dataset);
        return config with
        {
            Dataset = dataset, InputDim = info.Width * info.Height, ImageWidth = info.Width,
            ImageHeight = info.Height,
        };
    }

    /// <summary>A preset's model and sizes; a preset for another image size is a user error.</summary>
    public static RunConfig WithPreset(RunConfig config, string name)
    {
        var preset = ModelConfig.Preset(name);
        if (preset.InputDim != config.InputDim)
            throw new UserErrorException(
                $"--preset {name}: built for {preset.InputDim} inputs, but {config.Dataset} "
                + $"images have {config.InputDim} pixels; pick a preset for {config.Dataset}");
        return config with
        {
            Preset = name, Model = preset.Kind, Encoder = preset.Encoder, Decoder = preset.Decoder,
            Latent = preset.Latent,
        };
    }

    private static Setting<T> Enum<T>(string name, string description, Func<RunConfig, T> get,
        Func<RunConfig, T, RunConfig> set, bool device = false) where T : struct, System.Enum
    {
        string[] names = EnumNames.Of<T>();
        return new Setting<T>(name, description, Choice(names),
            (string text, out T value) =>
            {
                var parsed = EnumNames.TryParse<T>(text);
                value = parsed ?? default;
                return parsed is not null;
            },
            _ => true, get, set, v => v.Name(), names)
        { ResumeMayChange = device, Sweepable = !device };
    }

    private static Setting<int> Positive(string name, string description, Func<RunConfig, int> get,
        Func<RunConfig, int, RunConfig> set, bool resume = false, string[]? aliases = null) =>
        new(name, description, "a positive integer", Int, v => v > 0, get, set)
        { ResumeMayChange = resume, Aliases = aliases ?? [] };

    private static Setting<int> Count(string name, string description, string expected,
        Func<RunConfig, int> get, Func<RunConfig, int, RunConfig> set, bool device = false) =>
        new(name, description, expected, Int, v => v >= 0, get, set)
        { ResumeMayChange = device, Sweepable = !device };

    /// <summary>A sweep and command-line shorthand that rewrites the layer lists; not stored
    /// itself.</summary>
    private static Setting<int?> Shorthand(string name, string description,
        Func<RunConfig, int, RunConfig> set) =>
        new(name, description, "a positive integer",
            (string t, out int? v) => { v = Int(t, out int n) ? n : null; return v is not null; },
            v => v > 0, _ => null, (c, v) => v is { } n ? set(c, n) : c)
        { InConfig = false };

    private static string Choice(IEnumerable<string> names) => "one of " + string.Join(", ", names);

    private static bool Text(string text, out string value)
    {
        value = text;
        return text.Length > 0;
    }

    private static bool OptionalText(string text, out string? value)
    {
        value = text.Length > 0 ? text : null;
        return value is not null;
    }

    private static bool IsPreset(string? name)
    {
        try { ModelConfig.Preset(name!); return true; }
        catch (ArgumentException) { return false; }
    }

    private static bool Int(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool Real(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value);

    /// <summary>Layer sizes separated by ',' or ':' (a grid value separates its sizes with ':', since ','
    /// separates the grid's values).</summary>
    private static bool LayerList(string text, out int[] sizes)
    {
        var parts = text.Split([',', ':'], StringSplitOptions.TrimEntries);
        sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!Int(parts[i], out sizes[i]) || sizes[i] <= 0) return false;
        return true;
    }

    private static string FormatSizes(int[] sizes) =>
        string.Join(",", sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    private static string FormatReal(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static int[] Repeat(int size, int count) => Enumerable.Repeat(size, count).ToArray();
}
