// The GAN health check's dropped-mode part, end to end: with the dataset's digit classifier where the
// runner looks, training names the rarest class of its fixed-noise samples as `eval` would.
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaeGpu.Layers;
using VaeGpu.Runner.Evaluation;
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

    // The draws are eval's whatever the model's batch: 1,000 images drawn 500 rows a draw come out bit for
    // bit the same from a 128-row model (run in sub-batches, as the training's check does) as from a
    // 500-row one (eval's); drawing 128 rows a draw gives other images.
    [Fact]
    public void ImagesDrawnInEvalsChunksDoNotDependOnTheModelsBatch()
    {
        var config = new GanConfig(ModelKind.Gan, 36, 0, 7, [16], [24, 20], 11);
        using var small = new GanModel(fixture.Accelerator, config, maxBatch: 128);
        using var large = new GanModel(fixture.Accelerator, config, maxBatch: 500);
        small.Initialize();
        large.Initialize();
        float[] Draw(GanModel model, int drawRows)
        {
            var images = new float[1000 * 36];
            using var source = new ImageSource(model, drawRows);
            source.Generate(1000, DigitMetrics.FidCounter, (view, start, rows) =>
                fixture.Accelerator.ToArray(view.Slice(0, rows * 36)).CopyTo(images, start * 36));
            return images;
        }
        var eval = Draw(large, 500);
        Assert.Equal(eval, Draw(small, 500));
        Assert.NotEqual(eval, Draw(small, 128));
    }

    // With the dataset's classifier where the runner looks ($VAEGPU_CLASSIFIERS/usps), a GAN's epoch line
    // names the rarest class of 1,000 fixed-noise samples; they are the first of eval's digit-FID images,
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
        // The very images: the check, on the final checkpoint in a model of the training's 128 rows, finds
        // eval's class shares exactly.
        var config = RunConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile));
        using (var gan = ModelFactory.CreateGan(fixture.Accelerator, config, 128))
        using (var check = new ModeCheck(DigitClassifier.TryLoad(fixture.Accelerator, usps)!,
            fixture.Classifier.ClassShares(TestData.Usps.Test), "usps"))
        {
            Checkpoint.Load(dir, gan, withOptimizer: false);
            var evalShares = json.GetProperty("class_shares").EnumerateArray().Select(e => e.GetDouble());
            Assert.Equal(evalShares, check.Shares(gan));
        }
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

    // A classifier that cannot be read costs the check, not the run: one note, and training goes on.
    [DataFact("usps")]
    public void AnUnreadableClassifierIsOneNoteAndTrainingGoesOn()
    {
        string classifiers = Path.Combine(_folder.Path, "broken"), usps = Path.Combine(classifiers, "usps");
        Directory.CreateDirectory(usps);
        File.WriteAllText(Path.Combine(usps, "classifier.json"), "{broken");
        File.WriteAllText(Path.Combine(usps, "classifier.safetensors"), "x");
        var run = RunnerProcess.Run(new Dictionary<string, string> { ["VAEGPU_CLASSIFIERS"] = classifiers },
            "--dataset", "usps", "--data-dir", RunnerHarness.DataDir("usps"), "--model", "gan",
            "--limit", "256", "--epochs", "1", "--out", Path.Combine(_folder.Path, "run"));
        Assert.True(run.Code == 0, run.ToString());
        Assert.Single(run.OutLines.Concat(run.Err.Split('\n')), l => l.StartsWith(
            $"note: no dropped-mode check: {Path.Combine(usps, "classifier.json")}: not a classifier",
            StringComparison.Ordinal));
        Assert.DoesNotContain(run.OutLines, l => l.Contains("rarest class", StringComparison.Ordinal));
    }
}
