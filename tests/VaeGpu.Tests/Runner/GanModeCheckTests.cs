// The GAN health check's dropped-mode part, end to end: with the dataset's digit classifier where the
// runner looks, training names the rarest class of its fixed-noise samples as `eval` would.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Evaluation;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

[Collection("usps-classifier")]
public sealed class GanModeCheckTests(UspsClassifierFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new("modes");

    public void Dispose() => _folder.Dispose();

    // With the dataset's classifier where the runner looks ($VAEGPU_CLASSIFIERS/usps), a GAN's epoch line
    // names the rarest class of 1,000 fixed-noise samples; they are the first of eval's digit-FID draws,
    // so `eval --fid-samples 1000` finds the same class and ratio. A dropped mode (under 0.25x) is a
    // warning line; without a classifier the check is left out, and the model is the same either way.
    [DataFact("usps")]
    public void WithAClassifierGanTrainingReportsItsRarestClassAsEvalDoes()
    {
        string data = RunnerHarness.DataDir("usps"), classifiers = Path.Combine(_folder.Path, "classifiers");
        string usps = Path.Combine(classifiers, "usps"), dir = Path.Combine(_folder.Path, "gan");
        fixture.Classifier.Save(usps);
        string[] train = ["--dataset", "usps", "--data-dir", data, "--model", "gan", "--limit", "1000",
            "--epochs", "1", "--out", dir];
        var found = new Dictionary<string, string> { ["VAEGPU_CLASSIFIERS"] = classifiers };
        var trained = RunnerProcess.Run(found, train);
        output.WriteLine(trained.ToString());
        Assert.True(trained.Code == 0, trained.ToString());
        string epochLine = trained.OutLines.Single(l => l.StartsWith("epoch 1/1 d_loss=",
            StringComparison.Ordinal));
        var match = Regex.Match(epochLine, @"rarest class digit (\d) ([0-9.]+)x\]$");
        Assert.True(match.Success, epochLine);
        var result = RunnerHarness.Run("eval", "--run", dir, "--data-dir", data, "--fid-samples", "1000",
            "--classifier", usps);
        Assert.True(result.Code == 0, result.ToString());
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json"))).RootElement;
        double ratio = json.GetProperty("rarest_class_ratio").GetDouble();
        Assert.Equal(json.GetProperty("rarest_class").GetInt32(), int.Parse(match.Groups[1].Value,
            CultureInfo.InvariantCulture));
        Assert.Equal(ratio.ToString("0.00", CultureInfo.InvariantCulture), match.Groups[2].Value);
        string warnings = File.ReadAllText(Path.Combine(dir, "warnings.txt"));
        Assert.Equal(ratio < EvalRunner.DroppedModeRatio, warnings.Contains("dropped mode: G draws digit"));

        var none = new Dictionary<string, string>
            { ["VAEGPU_CLASSIFIERS"] = Path.Combine(_folder.Path, "none") };
        var alone = RunnerProcess.Run(none, [.. train[..^1], dir + "-alone"]);
        Assert.True(alone.Code == 0, alone.ToString());
        Assert.DoesNotContain(alone.OutLines, l => l.Contains("rarest class", StringComparison.Ordinal));
        // The check draws apart from training: the same model either way.
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "model.safetensors")),
            File.ReadAllBytes(Path.Combine(dir + "-alone", "model.safetensors")));
    }
}
