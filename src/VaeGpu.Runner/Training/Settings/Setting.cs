// One run setting as data: its name (the command line's --NAME, the sweep key NAME, config.json's
// snake_case name), its typed parser and check with the one message that states what it expects,
// its default, and whether --resume may change it and a sweep may set it. SettingsTable lists them.
using System.Globalization;

namespace VaeGpu.Runner.Training.Settings;

/// <summary>A run setting: name, description, default, parser, check and where it may be set.</summary>
public abstract class Setting
{
    private protected Setting(string name, string description, string expected)
    {
        (Name, Description, Expected) = (name, description, expected);
    }

    /// <summary>The kebab-case name: --NAME on the command line and NAME in sweep grids.</summary>
    public string Name { get; }

    /// <summary>One line of help.</summary>
    public string Description { get; }

    /// <summary>What a valid value looks like, for error messages ("a positive integer").</summary>
    public string Expected { get; }

    /// <summary>True when --resume may change it (devices, epochs); false when the run fixes it.</summary>
    public bool ResumeMayChange { get; init; }

    /// <summary>True when a sweep grid or plan may set it.</summary>
    public bool Sweepable { get; init; } = true;

    /// <summary>True when config.json stores it (under <see cref="JsonName"/>).</summary>
    public bool InConfig { get; init; } = true;

    /// <summary>The model families the setting applies to; typing it for another is a user error.</summary>
    public SettingScope Scope { get; private set; }

    /// <summary>Other sweep keys that mean this setting (kept for old grids, e.g. "batch").</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Marks the setting as applying to <paramref name="scope"/> only; returns it.</summary>
    internal Setting For(SettingScope scope)
    {
        Scope = scope;
        return this;
    }

    /// <summary>The allowed values of a choice, else empty.</summary>
    public virtual IReadOnlyList<string> Choices => [];

    /// <summary>The command-line option name.</summary>
    public string OptionName => "--" + Name;

    /// <summary>The config.json key (snake_case).</summary>
    public string JsonName => Name.Replace('-', '_');

    /// <summary>The default as the user would type it, or null when there is none.</summary>
    public abstract string? DefaultText { get; }

    /// <summary>Parses and checks <paramref name="text"/> and sets it on <paramref name="config"/>; a bad
    /// value throws a <see cref="UserErrorException"/> "WHERE: expected ..., got 'TEXT'".</summary>
    public abstract RunConfig Apply(RunConfig config, string text, string where);

    /// <summary>Null when the configuration's value is valid, else the error message.</summary>
    public abstract string? Check(RunConfig config);

    /// <summary>The configuration's value as the user would type it ("" when unset).</summary>
    public abstract string Format(RunConfig config);

    private protected UserErrorException Bad(string where, string text) =>
        new($"{where}: expected {Expected}, got '{text}'");
}

/// <summary>Which model families a setting applies to.</summary>
public enum SettingScope
{
    /// <summary>Every model.</summary>
    Any,
    /// <summary>The VAEs and the autoencoder only (vae, cvae, ae).</summary>
    Vae,
    /// <summary>The GANs only (gan, lsgan, cgan, dcgan).</summary>
    Gan,
    /// <summary>The VAEs built with --arch conv only.</summary>
    Conv,
}

/// <summary>Parses the text of a setting; false when it is not a value of the type.</summary>
public delegate bool SettingParser<T>(string text, out T value);

/// <summary>A setting of type <typeparamref name="T"/>.</summary>
public sealed class Setting<T> : Setting
{
    private readonly SettingParser<T> _parse;
    private readonly Func<T, bool> _valid;
    private readonly Func<RunConfig, T> _get;
    private readonly Func<RunConfig, T, RunConfig> _set;
    private readonly Func<T, string> _format;
    private readonly IReadOnlyList<string> _choices;

    /// <summary>Creates a setting; <paramref name="parse"/> reads the text, <paramref name="valid"/> checks
    /// the range.</summary>
    public Setting(string name, string description, string expected, SettingParser<T> parse,
        Func<T, bool> valid, Func<RunConfig, T> get, Func<RunConfig, T, RunConfig> set,
        Func<T, string>? format = null, IReadOnlyList<string>? choices = null)
        : base(name, description, expected)
    {
        (_parse, _valid, _get, _set) = (parse, valid, get, set);
        _format = format ?? (v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "");
        _choices = choices ?? [];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Choices => _choices;

    /// <inheritdoc/>
    public override string? DefaultText => _get(new RunConfig()) is { } value ? _format(value) : null;

    /// <inheritdoc/>
    public override RunConfig Apply(RunConfig config, string text, string where)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(text);
        if (!_parse(text.Trim(), out T value) || value is null || !_valid(value)) throw Bad(where, text);
        return _set(config, value);
    }

    /// <inheritdoc/>
    public override string? Check(RunConfig config)
    {
        T value = _get(config);
        return value is null || _valid(value) ? null
            : $"{OptionName}: expected {Expected}, got '{_format(value)}'";
    }

    /// <inheritdoc/>
    public override string Format(RunConfig config) => _get(config) is { } value ? _format(value) : "";
}
