// The sweep command end to end on USPS (small and fast): a 2x2 grid trains four run folders and writes
// compare.csv/html and one SVG per metric; running it again keeps finished runs, continues a run whose
// training was cut short, and refuses a folder made with other settings.
using System.Globalization;
using VaeGpu.Tests.Runner;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Sweep;

public sealed class SweepCommandTests(ITestOutputHelper output)
{
    private static string[] Args(string folder, int epochs, params string[] extra) =>
    [
        "sweep", "--grid", "latent=2,3;beta=0.5,1", "--dataset", "usps", "--data-dir",
        RunnerHarness.DataDir("usps"), "--limit", "600", "--encoder", "64", "--decoder", "64",
        "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--importance-samples", "3",
        "--fid-samples", "0", "--out", folder, .. extra,
    ];

    [DataFact("usps")]
    public void SweepTrainsComparesAndResumes()
    {
        using var folderFolder = new TempFolder("sweep");
        string folder = folderFolder.Path;
        var first = RunnerHarness.Run(Args(folder, 1));
        output.WriteLine(first.ToString());
        Assert.True(first.Code == 0, first.ToString());
        string[] names = ["latent-2_beta-0.5", "latent-2_beta-1", "latent-3_beta-0.5", "latent-3_beta-1"];
        foreach (string name in names)
            Assert.True(File.Exists(Path.Combine(folder, name, "model.safetensors")), name);
        var csv = File.ReadAllLines(Path.Combine(folder, "compare.csv"));
        Assert.Equal(5, csv.Length);
        var header = csv[0].Split(',');
        Assert.Equal(["run", "latent", "beta", "status", "epochs", "train_loss", "test_loss"],
            header[..7]);
        foreach (var (line, name) in csv.Skip(1).Zip(names))
        {
            var cells = line.Split(',');
            Assert.Equal(header.Length, cells.Length);
            Assert.Equal(name, cells[0]);
            Assert.Equal("done", cells[Array.IndexOf(header, "status")]);
            // the row's test loss is the run's own last metrics row
            string metricsLast = File.ReadAllLines(Path.Combine(folder, name, "metrics.csv"))[^1];
            double fromRun = double.Parse(metricsLast.Split(',')[4], CultureInfo.InvariantCulture);
            double inCsv = double.Parse(cells[Array.IndexOf(header, "test_loss")],
                CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(fromRun - inCsv) < 1e-3, $"{name}: {inCsv} vs {fromRun}");
        }
        foreach (string metric in new[] { "test_loss", "train_loss", "test_recon", "test_kl" })
        {
            string svg = File.ReadAllText(Path.Combine(folder, $"compare-{metric}.svg"));
            Assert.Equal(4, svg.Split("<polyline").Length - 1);
        }
        Assert.Contains("latent-3_beta-1", File.ReadAllText(Path.Combine(folder, "compare.html")));

        // Cut the last run short (as a crash after its first checkpoint would) and ask for 2 epochs:
        // every run continues from its checkpoint instead of starting again.
        File.Delete(Path.Combine(folder, names[3], "report.html"));
        var second = RunnerHarness.Run(Args(folder, 2));
        output.WriteLine(second.ToString());
        Assert.True(second.Code == 0, second.ToString());
        Assert.Equal(4, second.OutLines.Count(l => l.Contains("resuming after epoch 1 of 2")));
        foreach (string name in names)
            Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, name, "metrics.csv")).Length);

        var third = RunnerHarness.Run(Args(folder, 2));
        Assert.True(third.Code == 0, third.ToString());
        Assert.Equal(4, third.OutLines.Count(l => l.Contains("already trained")));
        Assert.DoesNotContain(third.OutLines, l => l.StartsWith("eval K=", StringComparison.Ordinal));

        // Another K: the saved evaluations no longer answer it, so each run is evaluated again.
        var args = Args(folder, 2);
        args[Array.IndexOf(args, "--importance-samples") + 1] = "4";
        var otherK = RunnerHarness.Run(args);
        Assert.True(otherK.Code == 0, otherK.ToString());
        Assert.Equal(4, otherK.OutLines.Count(l => l.Contains(" nll_bound_k4=")));
        var rowsK = File.ReadAllLines(Path.Combine(folder, "compare.csv"));
        int kColumn = Array.IndexOf(rowsK[0].Split(','), "importance_samples");
        Assert.All(rowsK.Skip(1), line => Assert.Equal("4", line.Split(',')[kColumn]));

        var changed = RunnerHarness.Run(Args(folder, 2, "--activation", "tanh"));
        Assert.Equal(2, changed.Code);
        Assert.Single(changed.ErrLines);
        Assert.Contains("was made with other settings", changed.Err);
    }

    [DataFact("usps")]
    public void CtrlCStopsTheSweepAndTheSameCommandFinishesIt()
    {
        using var folderFolder = new TempFolder("sweep-cancel");
        string folder = folderFolder.Path;
        using var cancel = new CancellationTokenSource();
        cancel.Cancel(); // as if Ctrl+C came during the first step
        var stopped = RunnerHarness.Run(cancel.Token, Args(folder, 1));
        output.WriteLine(stopped.ToString());
        Assert.Equal(130, stopped.Code);
        Assert.Contains("run the same sweep command again to continue", stopped.Err);
        var csv = File.ReadAllLines(Path.Combine(folder, "compare.csv"));
        Assert.Equal(2, csv.Length);
        Assert.Contains(",interrupted,", csv[1]);

        var finished = RunnerHarness.Run(Args(folder, 1));
        Assert.True(finished.Code == 0, finished.ToString());
        csv = File.ReadAllLines(Path.Combine(folder, "compare.csv"));
        Assert.Equal(5, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.Contains(",done,", line));
    }

    [DataFact("usps")]
    public void MissingClassifierIsTrainedOnceAndEveryRunGetsItsDigitFid()
    {
        using var folderFolder = new TempFolder("sweep-fid");
        string folder = folderFolder.Path;
        string classifiers = Path.Combine(folder, "classifiers");
        var args = Args(folder, 1).ToList();
        args[args.IndexOf("--fid-samples") + 1] = "600";
        args.AddRange(["--classifiers", classifiers]);
        var result = RunnerHarness.Run([.. args]);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Single(result.OutLines,
            l => l.StartsWith("no usps digit classifier in", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(classifiers, "usps", "classifier.safetensors")));
        var csv = File.ReadAllLines(Path.Combine(folder, "compare.csv"));
        var header = csv[0].Split(',');
        foreach (string line in csv.Skip(1))
        {
            var cells = line.Split(',');
            double fid = double.Parse(cells[Array.IndexOf(header, "digit_fid")],
                CultureInfo.InvariantCulture);
            double floor = double.Parse(cells[Array.IndexOf(header, "fid_floor")],
                CultureInfo.InvariantCulture);
            Assert.True(fid > floor && floor > 0, line);
        }
        // A second sweep into another folder finds the saved classifier instead of training again.
        string other = Path.Combine(folder, "again");
        args[args.IndexOf("--out") + 1] = other;
        var again = RunnerHarness.Run([.. args]);
        Assert.True(again.Code == 0, again.ToString());
        Assert.DoesNotContain(again.OutLines,
            l => l.StartsWith("no usps digit classifier", StringComparison.Ordinal));
    }

    // GANs beside a VAE in one sweep: each run trains with its own loop, every run gets digit-FID and
    // digit-KID, the table has the VAE's losses and bound and the GANs' D and G losses and health, both
    // kinds of curve are drawn, and running the sweep again keeps every run.
    [DataFact("usps")]
    public void GansAndAVaeSweepSideBySide()
    {
        using var folderFolder = new TempFolder("sweep-gan");
        string folder = folderFolder.Path;
        string[] args =
        [
            "sweep", "--grid", "model=gan,cgan,vae", "--dataset", "usps", "--data-dir",
            RunnerHarness.DataDir("usps"), "--limit", "600", "--epochs", "2", "--importance-samples", "3",
            "--fid-samples", "300", "--classifiers", Path.Combine(folder, "classifiers"), "--out",
            Path.Combine(folder, "sweep"),
        ];
        var first = RunnerHarness.Run(args);
        output.WriteLine(first.ToString());
        Assert.True(first.Code == 0, first.ToString());
        string sweep = Path.Combine(folder, "sweep");
        var csv = File.ReadAllLines(Path.Combine(sweep, "compare.csv"));
        Assert.Equal(4, csv.Length);
        var header = csv[0].Split(',');
        foreach (string column in new[] { "test_loss", "nll_bound", "d_loss", "g_loss", "gan_health",
            "digit_fid", "digit_kid", "kid_floor", "rarest_class", "rarest_class_ratio",
            "conditional_accuracy" })
            Assert.Contains(column, header);
        string Cell(string line, string column) => line.Split(',')[Array.IndexOf(header, column)];
        double Number(string line, string column) =>
            double.Parse(Cell(line, column), CultureInfo.InvariantCulture);
        foreach (var (line, name) in csv.Skip(1).Zip(new[] { "model-gan", "model-cgan", "model-vae" }))
        {
            Assert.Equal(header.Length, line.Split(',').Length);
            Assert.Equal(name, Cell(line, "run"));
            Assert.Equal("done", Cell(line, "status"));
            Assert.Equal("2", Cell(line, "epochs"));
            Assert.True(Number(line, "digit_fid") > Number(line, "fid_floor"), line);
            Assert.True(Number(line, "digit_kid") > Number(line, "kid_floor"), line);
            Assert.InRange(Number(line, "rarest_class_ratio"), 0, 1); // the smallest ratio is at most 1
            bool gan = name != "model-vae";
            Assert.Equal(gan, Cell(line, "test_loss") == "");
            Assert.Equal(gan, Cell(line, "nll_bound") == "");
            Assert.Equal(!gan, Cell(line, "d_loss") == "");
            Assert.Equal(!gan, Cell(line, "gan_health") == "");
            Assert.Equal(name == "model-cgan", Cell(line, "conditional_accuracy") != "");
            // each run's own page shows its evaluation, GANs' included, and keeps its facts
            string page = File.ReadAllText(Path.Combine(sweep, name, "report.html"));
            Assert.Contains("<h2>Evaluation</h2>", page);
            Assert.Contains("digit-KID floor", page);
            Assert.Contains("cpu (", page);
            string[] metricsLast =
                File.ReadAllLines(Path.Combine(sweep, name, "metrics.csv"))[^1].Split(',');
            // the table's losses are the run's own last epoch: metrics.csv has d_loss, g_loss after
            // the epoch for a GAN and train_loss, ..., test_loss for a VAE
            double Last(int column) => double.Parse(metricsLast[column], CultureInfo.InvariantCulture);
            if (gan)
            {
                Assert.Equal(Last(1), Number(line, "d_loss"), 4);
                Assert.Equal(Last(2), Number(line, "g_loss"), 4);
            }
            else
            {
                Assert.Equal(Last(4), Number(line, "test_loss"), 3);
            }
        }
        int Curves(string metric) =>
            File.ReadAllText(Path.Combine(sweep, $"compare-{metric}.svg")).Split("<polyline").Length - 1;
        Assert.Equal(2, Curves("d_loss"));
        Assert.Equal(1, Curves("test_loss"));
        string html = File.ReadAllText(Path.Combine(sweep, "compare.html"));
        Assert.Contains("model-cgan", html);
        Assert.Contains("gan_health", html);

        var again = RunnerHarness.Run(args);
        Assert.True(again.Code == 0, again.ToString());
        Assert.Equal(3, again.OutLines.Count(l => l.Contains("already trained")));
        Assert.Equal(csv, File.ReadAllLines(Path.Combine(sweep, "compare.csv")));
    }

    // A plan gives each model its own keys; a key that a row's model does not have stays empty there
    // rather than showing a default the run never used. As in `eval`, only a model with an
    // importance-sampled bound (the VAE) reports its evaluation's progress.
    [DataFact("usps")]
    public void APlanMixesModelsAndLeavesForeignKeysEmpty()
    {
        using var folderFolder = new TempFolder("sweep-plan");
        string folder = folderFolder.Path;
        string plan = Path.Combine(folder, "plan.txt");
        Directory.CreateDirectory(folder);
        File.WriteAllText(plan, "model=gan noise=32\nmodel=vae latent=2\nmodel=ae latent=3\n");
        var result = RunnerHarness.Run("sweep", "--plan", plan, "--dataset", "usps", "--data-dir",
            RunnerHarness.DataDir("usps"), "--limit", "300", "--epochs", "1", "--importance-samples", "2",
            "--fid-samples", "0", "--out", Path.Combine(folder, "sweep"));
        Assert.True(result.Code == 0, result.ToString());
        var csv = File.ReadAllLines(Path.Combine(folder, "sweep", "compare.csv"));
        Assert.Equal("run,model,noise,latent,status,epochs", string.Join(",", csv[0].Split(',')[..6]));
        Assert.StartsWith("model-gan_noise-32,gan,32,,done,1,", csv[1]);
        Assert.StartsWith("model-vae_latent-2,vae,,2,done,1,", csv[2]);
        Assert.StartsWith("model-ae_latent-3,ae,,3,done,1,", csv[3]);
        Assert.Single(result.OutLines, l => l.StartsWith("eval K=2: 100%", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("error: sweep: give exactly one of --grid and --plan", "sweep", "--out", "x")]
    [InlineData("error: --grid: unknown key 'size'", "sweep", "--grid", "size=1", "--out", "x")]
    [InlineData("error: --importance-samples: expected 1 to 100000", "sweep", "--grid", "latent=2",
        "--importance-samples", "0", "--out", "x")]
    [InlineData("error: --plan missing.txt: cannot read", "sweep", "--plan", "missing.txt", "--out", "x")]
    [InlineData("error: sweep run 'model-lsgan_latent-2': --latent: applies to the VAEs (vae, cvae, ae), "
        + "not to a lsgan", "sweep", "--grid", "model=vae,lsgan;latent=2,20", "--out", "x")]
    [InlineData("error: sweep run 'noise-32': --noise: applies to the GANs", "sweep", "--grid", "noise=32,96",
        "--out", "x")]
    public void BadSweepOptionsGiveOneLine(string expected, params string[] args)
    {
        var result = RunnerHarness.Run(args);
        Assert.Equal(2, result.Code);
        Assert.Single(result.ErrLines);
        Assert.StartsWith(expected, result.ErrLines[0]);
        Assert.False(Directory.Exists("x"), "a bad sweep must not create its folder");
    }
}
