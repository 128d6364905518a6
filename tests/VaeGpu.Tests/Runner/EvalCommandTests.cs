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

/// <summary>A tiny vae and a tiny ae trained on USPS (two epochs on 2000 images each).</summary>
public sealed class TinyUspsRunsFixture : IDisposable
{
    public TinyUspsRunsFixture()
    {
        if (TestData.UnavailableReason("usps") is not null) return;
        Root = RunnerHarness.TempDir("eval");
        foreach (var (model, dir) in new[] { ("vae", VaeDir), ("ae", AeDir) })
        {
            var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", RunnerHarness.DataDir("usps"),
                "--model", model, "--limit", "2000", "--epochs", "2", "--encoder", "64", "--decoder", "64",
                "--latent", "2", "--quiet", "--out", dir);
            if (result.Code != 0)
                throw new InvalidOperationException($"training the {model} failed: {result}");
        }
    }

    public string Root { get; } = "";
    public string VaeDir => Path.Combine(Root, "vae");
    public string AeDir => Path.Combine(Root, "ae");

    public void Dispose()
    {
        if (Root.Length > 0 && Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

public sealed class EvalCommandTests(TinyUspsRunsFixture runs, ITestOutputHelper output)
    : IClassFixture<TinyUspsRunsFixture>
{
    private static string UspsDir => RunnerHarness.DataDir("usps");

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
            "--importance-samples", "5", "--quiet");
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
    public void ProgressLinesThenTheResultLine()
    {
        var result = RunnerHarness.Run("eval", "--run", runs.VaeDir, "--data-dir", UspsDir,
            "--importance-samples", "3");
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
        var result = RunnerHarness.Run("eval", "--run", runs.AeDir, "--data-dir", UspsDir);
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
        string dir = RunnerHarness.TempDir("evaljson");
        try
        {
            Assert.Null(Evaluator.TryLoad(dir));
            var saved = new EvalResult { TestLoss = 101.25, TestRecon = 80.5, TestKl = 20.75, Images = 7,
                Epoch = 3, ImportanceSamples = 9, NllBound = double.NaN, Seconds = 0.5, FidFloor = 2.5 };
            Evaluator.Save(dir, saved);
            Assert.Equal(saved, Evaluator.TryLoad(dir));
            File.WriteAllText(Path.Combine(dir, "eval.json"), "{ \"test_loss\": ");
            var error = Assert.Throws<UserErrorException>(() => Evaluator.TryLoad(dir));
            Assert.Contains("eval.json", error.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
