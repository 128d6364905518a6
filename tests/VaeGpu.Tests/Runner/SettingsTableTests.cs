// The settings table against everything made from it: every setting is a command-line option with the
// table's default in --help, a sweep key exactly when the table says so, and a config.json key with the
// same default; a bad value gives the same "expected ..." on the command line and in a sweep; a value
// typed on the command line and the same value in a sweep give the same configuration.
using System.CommandLine;
using System.Text.Json;
using VaeGpu.Runner.Cli;
using VaeGpu.Runner.Training;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Tests.Runner;

public sealed class SettingsTableTests
{
    public static TheoryData<string> Names => [.. SettingsTable.All.Select(s => s.Name)];

    private static (RunConfig? Config, string? Error) ParseCli(params string[] args)
    {
        var options = new TrainOptions();
        var root = new RootCommand();
        foreach (var option in options.All) root.Add(option);
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        try { return (options.ToConfig(parse), null); }
        catch (UserErrorException e) { return (null, e.Message); }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void CliSweepAndConfigJsonAgreeOnNameAndDefault(string name)
    {
        var setting = SettingsTable.Find(name)!;
        var help = RunnerHarness.Run("--help");
        string line = help.OutLines.Single(l => l.TrimStart().StartsWith(setting.OptionName + " "));
        if (setting.DefaultText is { } text) Assert.Contains($"[default: {text}]", line);
        else Assert.DoesNotContain("[default:", line);
        Assert.Equal(setting.Sweepable, SweepPlan.Keys.Contains(name));

        var json = JsonDocument.Parse(new RunConfig().ToJson()).RootElement;
        Assert.Equal(setting.InConfig, json.TryGetProperty(setting.JsonName, out var stored));
        if (setting.InConfig)
        {
            string storedText = stored.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.Array => string.Join(",", stored.EnumerateArray().Select(e => e.GetRawText())),
                JsonValueKind.String => stored.GetString()!,
                _ => stored.GetRawText(),
            };
            Assert.Equal(setting.DefaultText ?? "", storedText);
            // config.json read back gives the same value
            Assert.Equal(setting.Format(new RunConfig()), setting.Format(RunConfig.Load(WriteConfig(json))));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void CliAndSweepGiveTheSameErrorForABadValue(string name)
    {
        var setting = SettingsTable.Find(name)!;
        var (_, cliError) = ParseCli(setting.OptionName, "bogus!");
        Assert.Equal($"{setting.OptionName}: expected {setting.Expected}, got 'bogus!'", cliError);
        if (!setting.Sweepable) return;
        var e = Assert.Throws<UserErrorException>(() =>
            SweepPlan.Build(new RunConfig(), SweepPlan.ParsePlan("p.txt", $"{name}=bogus!")));
        Assert.EndsWith($"{name}=bogus!: expected {setting.Expected}, got 'bogus!'", e.Message);
    }

    public static TheoryData<string, string> GoodValues => new()
    {
        { "dataset", "usps" }, { "preset", "mnist-cvae-400" }, { "model", "ae" }, { "encoder", "31:7" },
        { "decoder", "5,9" }, { "latent", "3" }, { "noise", "17" }, { "hidden", "17" }, { "depth", "3" },
        { "encoder-depth", "2" },
        { "activation", "leaky-relu" }, { "recon", "mse" }, { "beta", "0.25" }, { "kl-warmup", "4" },
        { "optimizer", "rmsprop" }, { "lr", "0.0003" }, { "batch-size", "61" }, { "epochs", "7" },
        { "limit", "999" }, { "seed", "18446744073709551615" }, { "accelerator", "opencl" },
        { "device", "2" }, { "threads", "3" }, { "arch", "conv" }, { "channels", "3,5" },
        { "batch-norm", "true" },
    };

    [Theory]
    [MemberData(nameof(GoodValues))]
    public void CliAndSweepGiveTheSameConfiguration(string name, string value)
    {
        var setting = SettingsTable.Find(name)!;
        // A setting of the GANs only is typed with --model gan, one of conv VAEs only with --arch conv
        // (alone each is a user error).
        string[] context = setting.Scope switch
        {
            SettingScope.Gan => ["--model", "gan"],
            SettingScope.Conv => ["--arch", "conv"],
            _ => [],
        };
        var baseline = context.Length == 0 ? new RunConfig()
            : SettingsTable.Find(context[0][2..])!.Apply(new RunConfig(), context[1], context[0]);
        var (cli, error) = ParseCli([.. context, setting.OptionName, value]);
        Assert.Null(error);
        Assert.NotEqual(baseline.ToJson(), cli!.ToJson());
        if (setting.InConfig) Assert.Equal(value.Replace(':', ','), setting.Format(cli));
        if (!setting.Sweepable) return;
        var plan = SweepPlan.ParsePlan("p.txt", $"{name}={value}");
        var swept = SweepPlan.Build(baseline, plan)[0].Config;
        Assert.Equal(cli.ToJson(), swept.ToJson());
    }

    [Fact]
    public void EverySettingHasAGoodValueCase() =>
        Assert.Equal(SettingsTable.All.Select(s => s.Name).Order(),
            GoodValues.Select(row => (string)row[0]).Order());

    [Fact]
    public void OnlyDeviceSettingsAndEpochsMayChangeOnResume() =>
        Assert.Equal(["epochs", "accelerator", "device", "threads"],
            SettingsTable.All.Where(s => s.ResumeMayChange).Select(s => s.Name));

    [Fact]
    public void AConfigJsonWithABadValueIsRefusedWithTheTablesMessage()
    {
        var json = new RunConfig().ToJson().Replace("\"latent\": 20", "\"latent\": 0");
        var e = Assert.Throws<UserErrorException>(() => RunConfig.Load(WriteConfig(json)).Validate());
        Assert.Equal("--latent: expected a positive integer, got '0'", e.Message);
    }

    private static string WriteConfig(JsonElement json) => WriteConfig(json.GetRawText());

    /// <summary>Writes config.json text to a temp file that is deleted at process exit.</summary>
    private static string WriteConfig(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaegpu-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
