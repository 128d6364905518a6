// The runner end to end on real data (USPS from ../shared/datasets: small images and a 2,007-image test
// set keep this under a minute on the plain CPU backend): every output file of a run, that the PNGs
// decode independently, metrics.csv's exact columns, that the test loss falls, and sample/eval on the
// trained run folder.
using System.Globalization;
using VaeGpu.Runner.Output;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

/// <summary>Trains one small VAE with a 2-D latent on USPS once for the tests of this class.</summary>
public sealed class UspsRunFixture : IDisposable
{
    public UspsRunFixture()
    {
        if (TestData.UnavailableReason("usps") is not null) return;
        _folder = new TempFolder("e2e");
        Result = RunnerHarness.Run("--dataset", "usps", "--data-dir", RunnerHarness.DataDir("usps"),
            "--limit", "2000",
            "--epochs", "2", "--encoder", "96", "--decoder", "96", "--latent", "2", "--out", RunDir);
    }

    private readonly TempFolder? _folder;

    public string RunDir => _folder?.Path ?? "";
    public RunnerResult? Result { get; }

    public void Dispose() => _folder?.Dispose();
}

public sealed class RunnerEndToEndTests(UspsRunFixture run,
    ITestOutputHelper output) : IClassFixture<UspsRunFixture>
{
    [DataFact("usps")]
    public void TrainingWritesEveryFileAndTheTestLossFalls()
    {
        var result = run.Result!;
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("test_loss=", result.OutLines[^1]);

        var lines = File.ReadAllLines(Path.Combine(run.RunDir, "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_recon,train_kl,test_loss,test_recon,test_kl,epoch_seconds," +
            "samples_per_second,beta", lines[0]);
        Assert.Equal(3, lines.Length);
        var rows = lines.Skip(1)
            .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        foreach (var row in rows)
        {
            Assert.Equal(10, row.Length);
            Assert.Equal(1.0, row[9]); // beta: no warm-up, so every step used the full beta
            Assert.True(row.All(double.IsFinite), string.Join(",", row));
            // loss = recon + beta KL with beta = 1, for train (no warm-up) and test
            Assert.True(Math.Abs(row[1] - (row[2] + row[3])) <= 1e-6 * row[1],
                $"train loss {row[1]} != recon + kl");
            Assert.True(Math.Abs(row[4] - (row[5] + row[6])) <= 1e-6 * row[4],
                $"test loss {row[4]} != recon + kl");
        }
        Assert.True(rows[1][4] < rows[0][4], $"test loss did not fall: {rows[0][4]} then {rows[1][4]}");
        // A 16x16 image has 256 pixels: an untrained decoder's BCE is about 256 ln 2 = 177 nats.
        Assert.True(rows[1][4] < 177, $"test loss {rows[1][4]} is no better than chance");
        string lastLine = result.OutLines[^1];
        double printed = double.Parse(lastLine.Split("test_loss=")[1].Split(' ')[0],
            CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(printed - rows[1][4]) < 1e-3, $"last line {lastLine} vs metrics {rows[1][4]}");

        var config = RunnerHarness.Config(run.RunDir);
        foreach (var key in new[] { "model", "dataset", "input_dim", "classes", "encoder", "decoder",
            "latent", "activation", "recon", "beta", "seed", "optimizer", "lr", "batch_size", "epochs",
            "limit" })
            Assert.True(config.TryGetProperty(key, out _), $"config.json lacks '{key}'");
        Assert.Equal(256, config.GetProperty("input_dim").GetInt32());

        var (tensors, _) = SafeTensors.Read(Path.Combine(run.RunDir, "model.safetensors"));
        var shapes = tensors.ToDictionary(t => t.Name, t => string.Join("x", t.Shape));
        var expected = new Dictionary<string, string>
        {
            ["encoder.layers.0.weight"] = "96x256", ["encoder.layers.0.bias"] = "96",
            ["encoder.mu.weight"] = "2x96", ["encoder.mu.bias"] = "2",
            ["encoder.logvar.weight"] = "2x96", ["encoder.logvar.bias"] = "2",
            ["decoder.layers.0.weight"] = "96x2", ["decoder.layers.0.bias"] = "96",
            ["decoder.out.weight"] = "256x96", ["decoder.out.bias"] = "256",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), shapes.OrderBy(p => p.Key));
        Assert.True(File.Exists(Path.Combine(run.RunDir, "optimizer.safetensors")));

        // 32 test images in 2 rows of 16 above their reconstructions, with a 2-pixel rule: RGB.
        var grid = (16 * 18 + 2, 2 * (2 * 18 + 2) + 2);
        foreach (var name in new[] { "reconstructions.png", "reconstructions_epoch01.png",
            "reconstructions_epoch02.png" })
            Assert.Equal(("RGB", grid.Item1, grid.Item2), Decoded(name));
        Assert.Equal(("L", 8 * 18 + 2, 8 * 18 + 2), Decoded("samples.png"));
        Assert.Equal(("L", 20 * 16, 20 * 16), Decoded("manifold.png"));
        Assert.False(File.Exists(Path.Combine(run.RunDir, "samples_by_class.png")),
            "a plain VAE has no class samples");

        string latent = File.ReadAllText(Path.Combine(run.RunDir, "latent.svg"));
        Assert.StartsWith("<svg", latent);
        Assert.True(latent.Split("<circle").Length > 2000, "latent.svg should plot every test image (2007)");
        Assert.Contains("digit 9", latent);
        string loss = File.ReadAllText(Path.Combine(run.RunDir, "loss.svg"));
        Assert.Contains("test loss", loss);
        Assert.Contains("<polyline", loss);
        string report = File.ReadAllText(Path.Combine(run.RunDir, "report.html"));
        Assert.Contains("data:image/png;base64,", report);
        Assert.Contains("test_loss", report);
        Assert.Equal(2, report.Split("<svg").Length - 1);  // loss.svg and latent.svg inline
        Assert.Equal(3, report.Split("<img").Length - 1);  // reconstructions, samples, manifold embedded
    }

    [DataFact("usps")]
    public void SampleAndEvalReadTheRunFolder()
    {
        Assert.True(run.Result!.Code == 0, run.Result.ToString());
        string file = Path.Combine(run.RunDir, "seven.png");
        var sample = RunnerHarness.Run("sample", "--run", run.RunDir, "--n", "7", "--out", file);
        Assert.True(sample.Code == 0, sample.ToString());
        Assert.Equal(("L", 3 * 18 + 2, 3 * 18 + 2), RunnerHarness.DecodePng(file));

        var eval = RunnerHarness.Run("eval", "--run", run.RunDir, "--data-dir", RunnerHarness.DataDir("usps"),
            "--importance-samples", "8", "--fid-samples", "0");
        output.WriteLine(eval.ToString());
        Assert.True(eval.Code == 0, eval.ToString());
        double Value(string key) => double.Parse(eval.OutLines[^1].Split(key + "=")[1].Split(' ')[0],
            CultureInfo.InvariantCulture);
        // eval uses the same eps stream as the last epoch's test pass, so it reproduces metrics.csv.
        var last = File.ReadAllLines(Path.Combine(run.RunDir, "metrics.csv"))[^1].Split(',');
        double metricsTest = double.Parse(last[4], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(Value("test_loss") - metricsTest) < 1e-3,
            $"eval {Value("test_loss")} vs {metricsTest}");
        // The K-sample bound is tighter than the one-sample ELBO on average; both are per-image nats.
        double nll = Value("nll_bound_k8");
        Assert.True(nll < metricsTest + 1.0 && nll > metricsTest - 40,
            $"nll bound {nll} vs ELBO loss {metricsTest}");
        // The run's report now shows the evaluation too.
        string report = File.ReadAllText(Path.Combine(run.RunDir, "report.html"));
        Assert.Contains("<h2>Evaluation</h2>", report);
        Assert.Contains("bound on -log p(x), K=8", report);
    }

    private (string, int, int) Decoded(string name) =>
        RunnerHarness.DecodePng(Path.Combine(run.RunDir, name));
}
