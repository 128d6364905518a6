// The eval command and Evaluator on tiny USPS runs trained once for this class: a bad K is one line and
// exit code 2; eval.json holds the printed numbers and reproduces metrics.csv's test loss; the bound
// sits below the loss and tightens with K; an ae gets its test loss and a note instead of a bound.
using System.Globalization;
using System.Text.Json;
using VaeGpu.Kernels.Cpu;
using VaeGpu.Runner;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

/// <summary>A tiny vae and ae (two epochs on 2000 USPS images), a small cvae, and a USPS
/// classifier.</summary>
public sealed class TinyUspsRunsFixture : IDisposable
{
    public TinyUspsRunsFixture()
    {
        if (TestData.UnavailableReason("usps") is not null) return;
        _folder = new TempFolder("eval");
        // The cvae trains longer on all of USPS (about a second): its samples must look like digits for
        // the conditional-accuracy test.
        foreach (var (model, dir, limit, epochs) in new[]
            { ("vae", VaeDir, "2000", "2"), ("ae", AeDir, "2000", "2"), ("cvae", CvaeDir, "7291", "8") })
        {
            var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", RunnerHarness.DataDir("usps"),
                "--model", model, "--limit", limit, "--epochs", epochs, "--encoder", "64", "--decoder", "64",
                "--latent", "2", "--quiet", "--out", dir);
            if (result.Code != 0)
                throw new InvalidOperationException($"training the {model} failed: {result}");
        }
        var classifier = RunnerHarness.Run("classifier", "--dataset", "usps", "--data-dir",
            RunnerHarness.DataDir("usps"), "--epochs", "3", "--quiet", "--out", ClassifierDir);
        if (classifier.Code != 0)
            throw new InvalidOperationException($"training the classifier failed: {classifier}");
    }

    private readonly TempFolder? _folder;

    public string Root => _folder?.Path ?? "";
    public string VaeDir => Path.Combine(Root, "vae");
    public string AeDir => Path.Combine(Root, "ae");
    public string CvaeDir => Path.Combine(Root, "cvae");
    public string ClassifierDir => Path.Combine(Root, "classifier");

    public void Dispose() => _folder?.Dispose();
}

public sealed class EvalCommandTests(TinyUspsRunsFixture runs, ITestOutputHelper output)
    : IClassFixture<TinyUspsRunsFixture>
{
    private static string UspsDir => RunnerHarness.DataDir("usps");

    [DataTheory("usps")]
    [InlineData("eval")]
    [InlineData("sample")]
    public void DeviceOneOnAOneDeviceBackendIsOneLineAndExitCode2(string command)
    {
        // cpu has exactly one device; eval and sample used to run on device 0 whatever was asked.
        var result = RunnerHarness.Run(command, "--run", runs.VaeDir, "--accelerator", "cpu",
            "--device", "1");
        output.WriteLine(result.ToString());
        Assert.Equal(2, result.Code);
        Assert.Single(result.ErrLines);
        Assert.Contains("no device 1", result.Err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("100001")]
    [InlineData("many")]
    public void BadImportanceSamplesIsOneLineAndExitCode2(string k)
    {
        string missing = Path.Combine(Path.GetTempPath(), $"vaegpu-no-run-{Guid.NewGuid():N}");
        var result = RunnerHarness.Run("eval", "--run", missing, "--importance-samples", k);
        output.WriteLine(result.ToString());
        Assert.Equal(2, result.Code);
        Assert.Single(result.ErrLines);
        Assert.Contains("--importance-samples", result.Err);
        Assert.Empty(result.Out);
    }

    [DataFact("usps")]
    public void EvalWritesEvalJsonWithThePrintedNumbers()
    {
        var result = RunnerHarness.Run("eval", "--run", runs.VaeDir, "--data-dir", UspsDir,
            "--importance-samples", "5", "--fid-samples", "0", "--quiet");
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        string line = Assert.Single(result.OutLines); // --quiet: the result line only
        double Printed(string key) => double.Parse(line.Split(key + "=")[1].Split(' ')[0],
            CultureInfo.InvariantCulture);

        string path = Path.Combine(runs.VaeDir, "eval.json");
        var json = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        // Printed with 4 decimals (seconds with 2).
        foreach (var (key, printed, atol) in new[] { ("test_loss", "test_loss", 5e-5),
            ("test_recon", "test_recon", 5e-5), ("test_kl", "test_kl", 5e-5),
            ("nll_bound", "nll_bound_k5", 5e-5), ("seconds", "seconds", 5e-3) })
            Assert.True(Math.Abs(json.GetProperty(key).GetDouble() - Printed(printed)) <= atol,
                $"{key}: eval.json {json.GetProperty(key)} vs printed {line}");
        Assert.Equal(2007, json.GetProperty("images").GetInt32());
        Assert.Equal(2007, (int)Printed("images"));
        Assert.Equal(5, json.GetProperty("importance_samples").GetInt32());
        Assert.Equal(2, json.GetProperty("epoch").GetInt32());
        foreach (var key in new[] { "digit_fid", "fid_floor", "conditional_accuracy",
            "classifier_accuracy" })
            Assert.Equal(JsonValueKind.Null, json.GetProperty(key).ValueKind);
        Assert.Empty(Directory.GetFiles(runs.VaeDir, "eval.json.tmp-*")); // written by rename

        // The test loss uses the training batch and the last epoch's eps: metrics.csv's number again.
        var last = File.ReadAllLines(Path.Combine(runs.VaeDir, "metrics.csv"))[^1].Split(',');
        double metricsTest = double.Parse(last[4], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(Printed("test_loss") - metricsTest) < 1e-3, $"{line} vs metrics {metricsTest}");
        Assert.True(Printed("nll_bound_k5") < Printed("test_loss"), $"bound not below the loss: {line}");

        var loaded = Evaluator.TryLoad(runs.VaeDir);
        Assert.NotNull(loaded);
        Assert.Equal(json.GetProperty("nll_bound").GetDouble(), loaded.NllBound);
        Assert.Equal(json.GetProperty("test_loss").GetDouble(), loaded.TestLoss);
    }

    [DataFact("usps")]
    public void WithAClassifierEvalAddsDigitFidAndConditionalAccuracy()
    {
        double classifierAccuracy = JsonDocument.Parse(File.ReadAllText(Path.Combine(runs.ClassifierDir,
            "classifier.json"))).RootElement.GetProperty("test_accuracy").GetDouble();
        foreach (string dir in new[] { runs.VaeDir, runs.CvaeDir })
        {
            var result = RunnerHarness.Run("eval", "--run", dir, "--data-dir", UspsDir,
                "--importance-samples", "2", "--fid-samples", "3000", "--classifier", runs.ClassifierDir);
            output.WriteLine(result.ToString());
            Assert.True(result.Code == 0, result.ToString());
            Assert.Contains(result.OutLines,
                l => l.Contains("VaeGpu's own yardstick, comparable only with itself"));
            Assert.Contains(" digit_fid=", result.OutLines[^1]);
            var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json"))).RootElement;
            double fid = json.GetProperty("digit_fid").GetDouble();
            double floor = json.GetProperty("fid_floor").GetDouble();
            // Two epochs of a 64-unit model on 2000 images: its samples are far from the test set, which
            // is close to the training set.
            Assert.True(floor > 0 && fid > 3 * floor, $"digit_fid {fid} vs floor {floor}");
            // The digit-KID says the same: far above its floor (test vs train, near 0 as it is unbiased).
            double kid = json.GetProperty("digit_kid").GetDouble();
            double kidFloor = json.GetProperty("kid_floor").GetDouble();
            Assert.True(kid > 0 && kid > 10 * Math.Abs(kidFloor), $"digit_kid {kid} vs floor {kidFloor}");
            Assert.True(json.GetProperty("digit_kid_std").GetDouble() > 0);
            Assert.Contains(" digit_kid=", result.OutLines[^1]);
            AssertRarestClass(json, result.OutLines[^1]);
            Assert.Equal(classifierAccuracy, json.GetProperty("classifier_accuracy").GetDouble());
            var accuracy = json.GetProperty("conditional_accuracy");
            if (dir == runs.VaeDir)
            {
                Assert.Equal(JsonValueKind.Null, accuracy.ValueKind);
                continue;
            }
            // 10 classes: chance is 0.1; even this small CVAE draws mostly the digit it is asked for.
            Assert.True(accuracy.GetDouble() is > 0.3 and <= 1, $"conditional accuracy {accuracy}");
            Assert.Contains(" conditional_accuracy=", result.OutLines[^1]);
        }
    }

    // eval.json's class shares: the generated images' and the test images' (as the classifier labels
    // them) each sum to 1, the test set's lie near USPS's own label counts (the classifier is over 90%
    // right), and the rarest class is the smallest ratio of the two, as the last line says.
    private static void AssertRarestClass(JsonElement json, string line)
    {
        double[] Shares(string name) =>
            json.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] generated = Shares("class_shares"), test = Shares("test_class_shares");
        Assert.Equal(10, generated.Length);
        Assert.Equal(1, generated.Sum(), 9);
        Assert.Equal(1, test.Sum(), 9);
        var split = TestData.Usps.Test;
        for (int c = 0; c < 10; c++)
        {
            double labelled = split.Labels.Take(split.Count).Count(l => l == c) / (double)split.Count;
            Assert.True(Math.Abs(test[c] - labelled) < 0.03, $"class {c}: {test[c]} vs labels {labelled}");
        }
        var ratios = Enumerable.Range(0, 10).Select(c => generated[c] / test[c]).ToArray();
        int rarest = json.GetProperty("rarest_class").GetInt32();
        Assert.Equal(ratios.Min(), json.GetProperty("rarest_class_ratio").GetDouble(), 12);
        Assert.Equal(ratios.Min(), ratios[rarest], 12);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $" rarest_class={rarest} rarest_class_ratio={ratios.Min():F3}"), line);
    }

    // Trains a GAN on USPS and evaluates it: the last line says there is no test loss, and digit-FID and
    // digit-KID lie above their floors. Returns eval.json for the model's own checks.
    private JsonElement TrainAndEvalGan(string model, string limit, string epochs)
    {
        string dir = Path.Combine(runs.Root, model);
        var train = RunnerHarness.Run("--dataset", "usps", "--data-dir", UspsDir, "--model", model,
            "--limit", limit, "--epochs", epochs, "--quiet", "--out", dir);
        Assert.True(train.Code == 0, train.ToString());
        var result = RunnerHarness.Run("eval", "--run", dir, "--data-dir", UspsDir, "--fid-samples", "2000",
            "--classifier", runs.ClassifierDir);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.StartsWith("no_test_loss", result.OutLines[^1]);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json"))).RootElement;
        double fid = json.GetProperty("digit_fid").GetDouble();
        double kid = json.GetProperty("digit_kid").GetDouble();
        Assert.True(fid > json.GetProperty("fid_floor").GetDouble(), $"digit_fid {fid}");
        Assert.True(kid > json.GetProperty("kid_floor").GetDouble(), $"digit_kid {kid}");
        AssertRarestClass(json, result.OutLines[^1]);
        return json;
    }

    [DataFact("usps")]
    public void EvalOfACganGivesDigitFidKidAndConditionalAccuracy()
    {
        var json = TrainAndEvalGan("cgan", "2000", "2");
        Assert.InRange(json.GetProperty("conditional_accuracy").GetDouble(), 0, 1);
        Assert.Equal(2, json.GetProperty("epoch").GetInt32());
    }

    [DataFact("usps")]
    public void EvalOfADcganGivesDigitFidAndKid()
    {
        var json = TrainAndEvalGan("dcgan", "600", "1");
        Assert.False(json.TryGetProperty("conditional_accuracy", out var accuracy)
            && accuracy.ValueKind != JsonValueKind.Null, "an unconditional GAN has no conditional accuracy");
        Assert.Equal(1, json.GetProperty("epoch").GetInt32());
    }

    [DataFact("usps")]
    public void WithoutAClassifierEvalSaysHowToGetOne()
    {
        string none = Path.Combine(runs.Root, "no-classifier");
        var result = RunnerHarness.Run("eval", "--run", runs.VaeDir, "--data-dir", UspsDir,
            "--importance-samples", "2", "--classifier", none);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(result.OutLines, l => l.StartsWith("note: no digit-FID", StringComparison.Ordinal)
            && l.Contains("classifier --dataset usps"));
        Assert.DoesNotContain("digit_fid", result.OutLines[^1]);
        Assert.False(Directory.Exists(none));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("100001")]
    public void BadFidSamplesIsOneLine(string n)
    {
        var result = RunnerHarness.Run("eval", "--run", runs.VaeDir, "--fid-samples", n);
        Assert.Equal(2, result.Code);
        Assert.Single(result.ErrLines);
        Assert.StartsWith("error: --fid-samples: expected 0 (skip) or 2 to 100000 images",
            result.ErrLines[0]);
    }

    [DataFact("usps")]
    public void ProgressLinesThenTheResultLine()
    {
        var result = RunnerHarness.Run("eval", "--run", runs.VaeDir, "--data-dir", UspsDir,
            "--importance-samples", "3", "--fid-samples", "0");
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("eval K=3 on 2007 images: 100%", result.OutLines);
        Assert.Contains(result.OutLines, l => l.StartsWith("wrote ", StringComparison.Ordinal)
            && l.EndsWith("eval.json", StringComparison.Ordinal));
        Assert.StartsWith("test_loss=", result.OutLines[^1]);
        Assert.Contains(" nll_bound_k3=", result.OutLines[^1]);
    }

    [DataFact("usps")]
    public void TheBoundTightensWithKAndKOneIsTheElbo()
    {
        var config = RunConfig.Load(Path.Combine(runs.VaeDir, "config.json"));
        using var acc = new CpuAccelerator(2);
        var one = Evaluator.Run(acc, config, runs.VaeDir, TestData.Usps, 1, null);
        var many = Evaluator.Run(acc, config, runs.VaeDir, TestData.Usps, 50, null);
        output.WriteLine($"test loss {one.TestLoss}, K=1 {one.NllBound}, K=50 {many.NllBound}");
        Assert.Equal(one.TestLoss, many.TestLoss);
        // K = 1 estimates the negative ELBO (with a sampled KL): the test loss within its noise over
        // 2007 images; K = 50 is tighter by about as much as the posterior misses the true one.
        Assert.True(Math.Abs(one.NllBound!.Value - one.TestLoss) < 1.5,
            $"K=1 {one.NllBound} vs {one.TestLoss}");
        Assert.True(many.NllBound < one.NllBound - 1, $"K=50 {many.NllBound} vs K=1 {one.NllBound}");
        Assert.Equal(50, many.ImportanceSamples);
    }

    [DataFact("usps")]
    public void AnAutoencoderGetsItsTestLossAndANote()
    {
        var result = RunnerHarness.Run("eval", "--run", runs.AeDir, "--data-dir", UspsDir,
            "--fid-samples", "0");
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(result.OutLines,
            l => l.StartsWith("note: no log-likelihood bound", StringComparison.Ordinal));
        Assert.StartsWith("test_loss=", result.OutLines[^1]);
        Assert.DoesNotContain("nll_bound", result.OutLines[^1]);
        var loaded = Evaluator.TryLoad(runs.AeDir)!;
        Assert.Null(loaded.NllBound);
        Assert.Equal(0, loaded.ImportanceSamples);
        Assert.Equal(0, loaded.TestKl);
    }

    [Fact]
    public void TryLoadIsNullWithoutAFileAndAUserErrorOnACorruptOne()
    {
        using var temp = new TempFolder("evaljson");
        string dir = temp.Path;
        Assert.Null(Evaluator.TryLoad(dir));
        var saved = new EvalResult { TestLoss = 101.25, TestRecon = 80.5, TestKl = 20.75, Images = 7,
            Epoch = 3, ImportanceSamples = 9, NllBound = double.NaN, Seconds = 0.5, FidFloor = 2.5 };
        Evaluator.Save(dir, saved);
        Assert.Equal(saved, Evaluator.TryLoad(dir));
        File.WriteAllText(Path.Combine(dir, "eval.json"), "{ \"test_loss\": ");
        var error = Assert.Throws<UserErrorException>(() => Evaluator.TryLoad(dir));
        Assert.Contains("eval.json", error.Message);
    }

    /// <summary>Issue 19 item 11: a cvae's digit-FID progress jumped from 50% to 100% while the
    /// conditional accuracy ran; now it rises in chunk-sized steps to 1.</summary>
    [DataFact("usps")]
    public void DigitMetricsProgressOfACvaeRisesInSmallSteps()
    {
        using var acc = new CpuAccelerator(2);
        var config = RunConfig.Load(Path.Combine(runs.CvaeDir, "config.json"));
        using var classifier = VaeGpu.Runner.Evaluation.DigitClassifier.TryLoad(acc, runs.ClassifierDir)!;
        var reference = VaeGpu.Runner.Evaluation.DigitMetrics.Reference(classifier, TestData.Usps);
        var loss = Evaluator.Run(acc, config, runs.CvaeDir, TestData.Usps, 1, null);
        var seen = new Recorder();
        var result = VaeGpu.Runner.Evaluation.DigitEvaluation.Add(loss, acc, config, runs.CvaeDir, reference,
            2000, seen);
        Assert.NotNull(result.ConditionalAccuracy);
        output.WriteLine(string.Join(" ",
            seen.Values.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))));
        Assert.Equal(1.0, seen.Values[^1]);
        for (int i = 1; i < seen.Values.Count; i++)
        {
            Assert.True(seen.Values[i] >= seen.Values[i - 1], $"progress fell at report {i}");
            Assert.True(seen.Values[i] - seen.Values[i - 1] <= 0.2,
                $"progress jumped from {seen.Values[i - 1]} to {seen.Values[i]}");
        }
    }

    /// <summary>Issue 19 item 11: sample on a cvae without --label says which class each image is.</summary>
    [DataFact("usps")]
    public void SamplingACvaeWithoutALabelSaysWhichLabelsItUses()
    {
        string file = Path.Combine(runs.Root, $"labels-{Guid.NewGuid():N}.png");
        var result = RunnerHarness.Run("sample", "--run", runs.CvaeDir, "--n", "12", "--out", file);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(result.OutLines, l => l.StartsWith("labels: image i (row by row) is class i mod 10",
            StringComparison.Ordinal));
        var one = RunnerHarness.Run("sample", "--run", runs.CvaeDir, "--n", "4", "--label", "3",
            "--out", file);
        Assert.True(one.Code == 0, one.ToString());
        Assert.DoesNotContain(one.OutLines, l => l.StartsWith("labels:", StringComparison.Ordinal));
    }

    private sealed class Recorder : IProgress<double>
    {
        public List<double> Values { get; } = [];
        public void Report(double value) => Values.Add(value);
    }
}
