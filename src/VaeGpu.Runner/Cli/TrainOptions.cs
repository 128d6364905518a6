// The training options of the root command (and of sweep), made from SettingsTable: one option per
// setting with its help, default and the table's own parser and check, plus the options of an
// invocation (--data-dir, --out, --resume, --quiet). A new run applies the options the user typed,
// in table order, over the defaults; a resumed run starts from config.json and may change only the
// settings the table marks as resumable.
using System.CommandLine;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Cli;

/// <summary>The options of a training run, as System.CommandLine symbols.</summary>
internal sealed class TrainOptions
{
    public readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder holding mnist/, usps/, fashion-mnist/ (default: the folder a resumed run " +
            "recorded, else $VAEGPU_DATA, else ~/.cache/vaegpu/datasets)",
    };
    public readonly Option<string?> Out =
        new("--out") { Description = "Run folder (default runs/<time>-<dataset>-<model>)" };
    public readonly Option<string?> Resume =
        new("--resume") { Description = "Continue the run in this folder from its last epoch" };
    public readonly Option<bool> Quiet = new("--quiet") { Description = "Print only the final line" };

    private readonly List<(Setting Setting, Option<string> Option)> _settings =
        [.. SettingsTable.All.Select(s => (s, SettingOption(s)))];

    /// <summary>Every option, in help order: the settings, then the invocation's options.</summary>
    public IEnumerable<Option> All => [.. _settings.Select(s => s.Option), DataDir, Out, Resume, Quiet];

    /// <summary>The option of a setting.</summary>
    public Option<string> this[Setting setting] => _settings.First(s => s.Setting == setting).Option;

    /// <summary>An option for <paramref name="setting"/>: its description (with its choices), its
    /// default, and the table's value rule.</summary>
    public static Option<string> SettingOption(Setting setting)
    {
        string choices = setting.Choices.Count > 0 ? $" ({string.Join(", ", setting.Choices)})" : "";
        var option = new Option<string>(setting.OptionName)
        {
            Description = setting.Description + choices, HelpName = setting.Name.Split('-')[^1],
        };
        if (setting.DefaultText is { } text) option.DefaultValueFactory = _ => text;
        // A switch (--batch-norm) may be typed without a value, which means true (see Apply).
        if (setting is Setting<bool>) option.Arity = ArgumentArity.ZeroOrOne;
        return option;
    }

    /// <summary>The configuration of a new run: the defaults, then each option the user typed.</summary>
    public RunConfig ToConfig(ParseResult parse) => Apply(new RunConfig(), parse);

    /// <summary>The configuration of a resumed run: config.json, then the resumable options typed; any
    /// other setting typed is an error naming the file that fixes it.</summary>
    public RunConfig ToResumeConfig(ParseResult parse, string runDir)
    {
        PathOptions.ExistingFolder(runDir, "--resume");
        string path = Path.Combine(runDir, Checkpoint.ConfigFile);
        foreach (var (setting, option) in _settings)
            if (!setting.ResumeMayChange && Given(parse, option))
                throw new UserErrorException($"{option.Name} cannot be combined with --resume: {path} " +
                    "fixes it (only --epochs and device options may change)");
        if (Given(parse, Out))
            throw new UserErrorException(
                $"--out cannot be combined with --resume: the run stays in {runDir}");
        return Apply(RunConfig.Load(path), parse);
    }

    /// <summary>Applies the settings typed on the command line, in table order.</summary>
    public RunConfig Apply(RunConfig config, ParseResult parse)
    {
        foreach (var (setting, option) in _settings)
            if (Given(parse, option))
                config = setting.Apply(config, parse.GetResult(option) is { Tokens.Count: 0 } ? ""
                    : parse.GetValue(option) ?? "", option.Name);
        foreach (var (setting, option) in _settings)
            if (Given(parse, option) && SettingsTable.ScopeError(setting, config) is { } message)
                throw new UserErrorException(message);
        return config;
    }

    /// <summary>True when the user typed <paramref name="option"/> (not just its default).</summary>
    public static bool Given(ParseResult parse, Option option) =>
        parse.GetResult(option) is { Implicit: false };
}

/// <summary>--accelerator, --device and --threads for the commands that load a trained model, made from
/// the same table rows as the training options.</summary>
internal sealed class DeviceOptions
{
    private readonly Option<string> _accelerator = TrainOptions.SettingOption(Find("accelerator"));
    private readonly Option<string> _device = TrainOptions.SettingOption(Find("device"));
    private readonly Option<string> _threads = TrainOptions.SettingOption(Find("threads"));

    /// <summary>The three options.</summary>
    public IEnumerable<Option> All => [_accelerator, _device, _threads];

    /// <summary>The chosen device, checked by the table's rules.</summary>
    public RunConfig Read(ParseResult parse)
    {
        var config = new RunConfig();
        foreach (var (name, option) in new[] { ("accelerator", _accelerator), ("device", _device),
            ("threads", _threads) })
            config = Find(name).Apply(config, parse.GetValue(option)!, option.Name);
        return config;
    }

    private static Setting Find(string name) => SettingsTable.Find(name)!;
}
