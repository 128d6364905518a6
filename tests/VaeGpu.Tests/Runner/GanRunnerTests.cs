// The GAN runs through the CLI: every file of a cgan run folder on USPS (16x16: sizes follow the
// image), --resume equal bit for bit to an uninterrupted run, sample --run, the bad-input cases (one
// line on stderr, exit 2), the epoch line on a terminal (it replaces the bar, as a VAE's does), the
// three kinds on Fashion-MNIST, and PoCL against cpu on MNIST within 1% in both losses.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Cli;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class GanRunnerTests(ITestOutputHelper output)
{
    private static string Usps => RunnerHarness.DataDir("usps");

    /// <summary>
    /// Trains <paramref name="model"/> 2 epochs on the first <paramref name="limit"/> USPS images in
    /// batches of 64 into <paramref name="dir"/> and checks what every GAN's run folder has: the final
    /// line, metrics.csv's header and two rows, the per-epoch and final 8x8 grids of 16x16 images, the
    /// loss plot and the report.
    /// </summary>
    internal static RunnerResult TrainTwoUspsEpochs(ITestOutputHelper output, string model, string limit,
        string dir)
    {
        var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", Usps, "--model", model,
            "--limit", limit, "--epochs", "2", "--batch-size", "64", "--out", dir);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Matches(@"^epochs=2 d_loss=\S+ g_loss=\S+ ", result.OutLines[^1]);
        var csv = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal("epoch,d_loss,g_loss,d_real,d_fake,epoch_seconds,samples_per_second", csv[0]);
        Assert.Equal(3, csv.Length);
        foreach (var grid in new[] { "samples_epoch01.png", "samples_epoch02.png", "samples.png" })
            Assert.Equal(("L", 8 * 18 + 2, 8 * 18 + 2), RunnerHarness.DecodePng(Path.Combine(dir, grid)));
        Assert.Contains("d_loss", File.ReadAllText(Path.Combine(dir, "loss.svg")));
        Assert.Contains("d_fake", File.ReadAllText(Path.Combine(dir, "report.html")));
        return result;
    }

    [DataFact("usps")]
    public void CganRunWritesEveryFile()
    {
        using var temp = new TempFolder("cgan");
        string dir = temp.Path;
        var result = TrainTwoUspsEpochs(output, "cgan", "600", dir);
        Assert.Contains(result.OutLines,
            l => l.StartsWith("epoch 2/2 d_loss=", StringComparison.Ordinal));
        foreach (var line in File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1))
        {
            var cells = line.Split(',').Select(double.Parse).ToArray();
            Assert.InRange(cells[3], 0, 1); // d_real, a mean probability
            Assert.InRange(cells[4], 0, 1); // d_fake
            Assert.True(cells[1] > 0 && cells[2] > 0, line);
        }
        Assert.Equal(("L", 10 * 18 + 2, 10 * 18 + 2),
            RunnerHarness.DecodePng(Path.Combine(dir, "samples_by_class.png")));
        var (tensors, meta) = SafeTensors.Read(Path.Combine(dir, "model.safetensors"));
        // G: Linear(96 + 10, 1024) ... Linear(1024, 256); D: Linear(256 + 10, 256) ... Linear(256, 1).
        Assert.Equal([1024, 106], tensors.Single(t => t.Name == "generator.0.weight").Shape);
        Assert.Equal([256], tensors.Single(t => t.Name == "generator.4.bias").Shape);
        Assert.Equal([256, 266], tensors.Single(t => t.Name == "discriminator.0.weight").Shape);
        Assert.Equal([1, 256], tensors.Single(t => t.Name == "discriminator.4.weight").Shape);
        Assert.Contains("\"Tanh()\"", meta["architecture"]);
        Assert.Equal("cgan", RunnerHarness.Config(dir).GetProperty("model").GetString());
        Assert.Equal(96, RunnerHarness.Config(dir).GetProperty("noise").GetInt32());
        string png = Path.Combine(dir, "s.png");
        var sample = RunnerHarness.Run("sample", "--run", dir, "--n", "9", "--label", "3", "--out", png);
        Assert.True(sample.Code == 0, sample.ToString());
        Assert.Equal(("L", 3 * 18 + 2, 3 * 18 + 2), RunnerHarness.DecodePng(png));
    }

    // lsgan: 300 images in batches of 64; dcgan (batch norm's running statistics, conv layers): 200 images.
    // The last batch of each epoch is partial (44 and 8 images).
    [DataTheory("usps")]
    [InlineData("lsgan", "300")]
    [InlineData("dcgan", "200")]
    public void ResumedGanEndsBitForBitLikeAnUninterruptedRun(string model, string limit)
    {
        using var wholeFolder = new TempFolder(model + "-whole");
        using var partsFolder = new TempFolder(model + "-parts");
        string whole = wholeFolder.Path, parts = partsFolder.Path;
        string[] common = ["--dataset", "usps", "--data-dir", Usps, "--model", model,
            "--limit", limit, "--batch-size", "64", "--noise", "17", "--seed", "5", "--quiet"];
        var uninterrupted = RunnerHarness.Run([.. common, "--epochs", "2", "--out", whole]);
        Assert.True(uninterrupted.Code == 0, uninterrupted.ToString());
        var first = RunnerHarness.Run([.. common, "--epochs", "1", "--out", parts]);
        Assert.True(first.Code == 0, first.ToString());
        var resumed = RunnerHarness.Run("--resume", parts, "--epochs", "2", "--data-dir", Usps,
            "--quiet");
        Assert.True(resumed.Code == 0, resumed.ToString());
        Assert.Equal(uninterrupted.OutLines[^1].Split(" run=")[0],
            resumed.OutLines[^1].Split(" run=")[0]);
        foreach (var file in new[] { "model.safetensors", "optimizer.safetensors" })
        {
            var a = SafeTensors.Read(Path.Combine(whole, file)).Tensors;
            var b = SafeTensors.Read(Path.Combine(parts, file)).Tensors;
            Assert.Equal(a.Select(t => t.Name), b.Select(t => t.Name));
            for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Data, b[i].Data);
        }
    }

    // Issue 17's GANs work on Fashion-MNIST too (28x28, ten named classes; Debian's
    // dataset-fashion-mnist package or the data folder): one short epoch each, a 28x28 sample grid, and
    // for the cgan one row per class.
    [DataTheory("fashion-mnist")]
    [InlineData("gan")]
    [InlineData("cgan")]
    [InlineData("dcgan")]
    public void GansTrainOnFashionMnist(string model)
    {
        using var temp = new TempFolder(model + "-fashion");
        string dir = temp.Path;
        var result = RunnerHarness.Run("--dataset", "fashion-mnist", "--data-dir",
            RunnerHarness.DataDir("fashion-mnist"), "--model", model, "--limit", "256", "--epochs", "1",
            "--quiet", "--out", dir);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Matches(@"^epochs=1 d_loss=\S+ g_loss=\S+ ", result.OutLines[^1]);
        var config = RunnerHarness.Config(dir);
        Assert.Equal("fashion-mnist", config.GetProperty("dataset").GetString());
        Assert.Equal(28, config.GetProperty("image_width").GetInt32());
        Assert.Equal(("L", 8 * 30 + 2, 8 * 30 + 2),
            RunnerHarness.DecodePng(Path.Combine(dir, "samples.png")));
        Assert.Equal(model == "cgan", File.Exists(Path.Combine(dir, "samples_by_class.png")));
        if (model == "cgan")
            Assert.Equal(("L", 10 * 30 + 2, 10 * 30 + 2),
                RunnerHarness.DecodePng(Path.Combine(dir, "samples_by_class.png")));
    }

    [DataFact("usps")]
    public void GanEpochLinesReplaceTheBarOnATerminal()
    {
        // A D that is right about every image is a failure the epoch line must show (issue 17), so the
        // line goes where a VAE's epoch line goes: it replaces the epoch's bar, and no bar is left.
        using var temp = new TempFolder("gan-terminal");
        string dir = temp.Path;
        var data = TestData.Usps;
        var config = new RunConfig
        {
            Model = ModelKind.Gan, Dataset = "usps", InputDim = data.Train.ImageSize,
            ImageWidth = data.Train.Width, ImageHeight = data.Train.Height, Limit = 150, BatchSize = 64,
            Epochs = 2, Seed = 3, Accelerator = AcceleratorKind.Cpu,
        };
        var terminal = new StringWriter();
        var line = new LiveLine(terminal, () => 200, TimeSpan.Zero); // draw every update
        using var accelerator = Accelerators.Create(AcceleratorKind.Cpu, threads: 2);
        GanTrainResult result;
        using (var progress = new ConsoleProgress(line.Guard(terminal), ProgressStyle.Bars))
            result = new GanTrainer(config, data, accelerator, dir, progress)
                .Run(resume: false, CancellationToken.None);
        Assert.Equal(TrainOutcome.Completed, result.Outcome);
        var screen = TerminalScreen.Of(terminal.ToString());
        output.WriteLine(string.Join("\n", screen.Lines));
        Assert.Equal(["epoch 1/2 d_loss=", "epoch 2/2 d_loss=", $"wrote {dir}"],
            screen.Lines.Select(l => l.StartsWith("epoch", StringComparison.Ordinal) ? l[..17] : l));
        Assert.All(screen.Lines.Take(2), l => Assert.Contains("[D accuracy ", l));
        Assert.DoesNotContain(screen.Lines, l => l.Contains('\u2588') || l.Contains('\u2591'));
        Assert.True(screen.CursorVisible);
    }

    [Theory]
    [InlineData("--model gan --latent 5", "--latent: applies to the VAEs")]
    [InlineData("--model lsgan --beta 2", "--beta: applies to the VAEs")]
    [InlineData("--model vae --noise 8", "--noise: applies to the GANs")]
    [InlineData("--noise 8", "--noise: applies to the GANs")]
    [InlineData("--model gan --noise 0", "--noise: expected a positive integer")]
    public void BadGanOptionsAreOneLineAndExitTwo(string args, string message) =>
        AssertRefusedOnUsps(args, message);

    /// <summary>A run on USPS with these space-separated options exits 2 with one stderr line holding
    /// <paramref name="message"/> and trains nothing (also the dcgan's bad-option check).</summary>
    internal static void AssertRefusedOnUsps(string args, string message)
    {
        using var temp = new TempFolder("bad");
        string dir = temp.Path;
        var result = RunnerHarness.Run([.. args.Split(' '), "--out", dir, "--data-dir", Usps,
            "--dataset", "usps"]);
        Assert.True(result.Code == 2, result.ToString());
        Assert.Single(result.ErrLines);
        Assert.Contains(message, result.Err);
        Assert.False(File.Exists(Path.Combine(dir, "config.json")), "nothing is trained");
    }

    [DataFact("usps")]
    public void LabelForAnUnconditionalGanIsOneLineAndExitTwo()
    {
        using var temp = new TempFolder("gan-label");
        string dir = temp.Path;
        var train = RunnerHarness.Run("--dataset", "usps", "--data-dir", Usps, "--model", "gan",
            "--limit", "100", "--epochs", "1", "--out", dir, "--quiet");
        Assert.True(train.Code == 0, train.ToString());
        var result = RunnerHarness.Run("sample", "--run", dir, "--label", "3");
        Assert.True(result.Code == 2, result.ToString());
        Assert.Single(result.ErrLines);
        Assert.Contains("--label: only a cvae or a cgan takes labels", result.Err);
        var plain = RunnerHarness.Run("sample", "--run", dir, "--n", "4",
            "--out", Path.Combine(dir, "p.png"));
        Assert.True(plain.Code == 0, plain.ToString());
    }
}

/// <summary>
/// The issue's PoCL run (--model gan --limit 5000 --epochs 2 --seed 1) on OpenCL and cpu: both epochs'
/// losses must agree within 1%. This run amplifies any rounding difference (on cpu alone, one ulp on
/// every initial parameter moves epoch 2's d_loss by 2.15%; `gan-drift`, benchmarks/README.md section
/// 10), so it holds because the kernels compute what the cpu backend computes, bit for bit: the GEMM's
/// depth blocks and fused multiply-adds, exp and tanh written out, the cpu's summation orders. On PoCL
/// (IEEE divide and square root) the trained model file is therefore asserted byte for byte equal;
/// other OpenCL devices may round divides and square roots differently and only print whether it is.
/// </summary>
[Backend(AcceleratorKind.OpenCL)]
public sealed class OpenCLGanRunnerTests(ITestOutputHelper output)
{
    [BackendFact]
    public void GanOnOpenCLMatchesCpuWithinOnePercentInBothEpochs()
    {
        Assert.Null(TestData.UnavailableReason("mnist"));
        string mnist = RunnerHarness.DataDir("mnist");
        var rows = new Dictionary<string, string[][]>();
        var models = new Dictionary<string, byte[]>();
        foreach (var accelerator in new[] { "cpu", "opencl" })
        {
            using var temp = new TempFolder("gan-" + accelerator);
            string dir = temp.Path;
            var result = RunnerHarness.Run("--model", "gan", "--limit", "5000", "--epochs", "2",
                "--seed", "1", "--data-dir", mnist, "--accelerator", accelerator, "--out", dir,
                "--quiet");
            output.WriteLine($"{accelerator}: {result.OutLines[^1]}");
            Assert.True(result.Code == 0, result.ToString());
            rows[accelerator] = [.. File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1)
                .Select(l => l.Split(','))];
            models[accelerator] = File.ReadAllBytes(Path.Combine(dir, "model.safetensors"));
        }
        for (int epoch = 1; epoch <= 2; epoch++)
            for (int column = 1; column <= 2; column++)
            {
                double cpu = double.Parse(rows["cpu"][epoch - 1][column]);
                double cl = double.Parse(rows["opencl"][epoch - 1][column]);
                string what = $"epoch {epoch} {(column == 1 ? "d_loss" : "g_loss")}: opencl {cl}, cpu {cpu}";
                output.WriteLine($"{what}, relative difference {Math.Abs(cl - cpu) / cpu:P2}");
                Assert.True(Math.Abs(cl - cpu) <= 0.01 * Math.Abs(cpu), what);
            }
        bool same = models["cpu"].AsSpan().SequenceEqual(models["opencl"]);
        using var device = VaeGpu.Kernels.OpenCL.OpenCLAccelerator.Create(0);
        output.WriteLine($"{device.Name}: model.safetensors {(same ? "identical" : "differs")} to cpu's");
        if (VaeGpu.Tests.OpenCL.CpuIdentityTests.IsPocl(device))
            Assert.True(same, "on PoCL the trained model should be cpu's bit for bit");
    }
}
