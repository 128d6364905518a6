// Issue 19 (what a new user tripped over), items 1, 3 and 8: every path option is checked before any
// work (empty = one line, exit 2); settings that cannot mean anything are refused and merely unusual
// ones get one "note:" line; the epoch's beta is in metrics.csv, the epoch line and the report.
using System.Globalization;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class NewUserTests(ITestOutputHelper output)
{
    private static string Usps => RunnerHarness.DataDir("usps");
    private static readonly string Existing = Path.GetTempPath(); // a folder that exists, not a run

    public static TheoryData<string[], string> EmptyPaths => new()
    {
        { ["--out", ""], "--out" },
        { ["--out", " "], "--out" },
        { ["--resume", ""], "--resume" },
        { ["--data-dir", "", "--out", Path.Combine(Existing, "never-made")], "--data-dir" },
        { ["sweep", "--grid", "latent=2", "--out", ""], "--out" },
        { ["sweep", "--plan", "", "--out", Path.Combine(Existing, "never-made")], "--plan" },
        { ["sample", "--run", ""], "--run" },
        { ["sample", "--run", Existing, "--out", ""], "--out" },
        { ["eval", "--run", ""], "--run" },
        { ["eval", "--run", Existing, "--classifier", ""], "--classifier" },
        // Used to train every epoch and then crash while saving, losing the classifier.
        { ["classifier", "--dataset", "usps", "--out", ""], "--out" },
        { ["export", "--run", ""], "--run" },
        { ["data", "info", "usps", "--data-dir", ""], "--data-dir" },
    };

    /// <summary>Item 1: an empty path is one line and exit 2 before any work (no stack trace, exit
    /// 134).</summary>
    [Theory]
    [MemberData(nameof(EmptyPaths))]
    public void AnEmptyPathIsOneLineAndExit2BeforeAnyWork(string[] args, string option)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = RunnerHarness.Run(args);
        output.WriteLine(result.ToString());
        AssertUserError(result, option);
        Assert.Contains("expected a path", result.Err);
        Assert.Empty(result.Out);
        Assert.True(clock.Elapsed.TotalSeconds < 20,
            $"took {clock.Elapsed.TotalSeconds:F0} s: work was done");
    }

    public static TheoryData<string[], string> Refused => new()
    {
        // An ae has no KL term: beta and a warm-up would be ignored in silence.
        { ["--model", "ae", "--beta", "4"], "--beta 4: an ae has no KL term" },
        { ["--model", "ae", "--kl-warmup", "2"], "--kl-warmup 2: an ae has no KL term" },
        // The cpu backend has one device; device 1 must not silently run on device 0.
        { ["--accelerator", "cpu", "--device", "1"], "--device 1" },
    };

    /// <summary>Item 3: what cannot mean anything is refused with one line.</summary>
    [Theory]
    [MemberData(nameof(Refused))]
    public void MeaninglessCombinationsAreRefused(string[] args, string message)
    {
        var result = RunnerHarness.Run([.. args, "--out", Path.Combine(Existing, $"x-{Guid.NewGuid():N}")]);
        output.WriteLine(result.ToString());
        AssertUserError(result, message);
    }

    /// <summary>Item 3: --resume with fewer epochs than the run has done is refused before any work and
    /// leaves the run's outputs as they were (it used to print "resuming after epoch 2 of 1" and rewrite
    /// them, exit 0).</summary>
    [DataFact("usps")]
    public void ResumingWithFewerEpochsThanDoneIsRefusedAndChangesNothing()
    {
        using var temp = new TempFolder("fewer");
        string dir = temp.Path;
        var trained = RunnerHarness.Run(Tiny("2", "--out", dir, "--quiet"));
        Assert.True(trained.Code == 0, trained.ToString());
        var before = Snapshot(dir);
        var fewer = RunnerHarness.Run("--resume", dir, "--epochs", "1", "--data-dir", Usps);
        output.WriteLine(fewer.ToString());
        AssertUserError(fewer, "already completed 2 epochs");
        Assert.Empty(fewer.Out); // refused before the run folder line: no work started
        Assert.Equal(before, Snapshot(dir));
    }

    /// <summary>Item 3: a batch or limit larger than the data and a warm-up longer than the run each have
    /// a meaning (full batch, all images, a partial ramp to continue with --resume), so they run, with one
    /// note line each on stderr.</summary>
    [DataFact("usps")]
    public void UnusualButMeaningfulSettingsRunWithOneNoteEach()
    {
        using var temp = new TempFolder("notes");
        string dir = Path.Combine(temp.Path, "run");
        var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", Usps, "--limit", "100000",
            "--batch-size", "9000", "--kl-warmup", "4", "--beta", "2", "--epochs", "1", "--encoder", "8",
            "--decoder", "8", "--latent", "2", "--out", dir, "--quiet");
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(3, result.ErrLines.Length);
        Assert.All(result.ErrLines, line => Assert.StartsWith("note: ", line));
        Assert.Contains("--limit 100000 is more than the 7291 training images", result.Err);
        Assert.Contains("--batch-size 9000 is more than the 7291 training images", result.Err);
        Assert.Contains("--kl-warmup 4 is longer than --epochs 1: beta only reaches 0.5 of 2",
            result.Err);
    }

    /// <summary>Item 8: with --beta 4 --kl-warmup 2 and 5 equal steps per epoch, metrics.csv's beta is the
    /// mean weight of the epoch's steps (float64 reference), the epoch line shows it, the test loss uses
    /// the full beta, and the report says which beta each loss uses.</summary>
    [DataFact("usps")]
    public void TheWarmUpBetaIsShownInMetricsTheEpochLineAndTheReport()
    {
        using var temp = new TempFolder("beta");
        string dir = temp.Path;
        var result = RunnerHarness.Run(Tiny("3", "--beta", "4", "--kl-warmup", "2", "--batch-size",
            "100", "--out", dir));
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        var lines = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.EndsWith(",beta", lines[0]);
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var cells = lines[epoch].Split(',')
                .Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            double expected = 0;
            for (int step = 0; step < 5; step++)
                expected += 4 * Math.Clamp((epoch - 1 + step / 5.0) / 2, 0, 1) / 5;
            Assert.True(Math.Abs(cells[9] - expected) <= 1e-6 + 1e-6 * expected,
                $"epoch {epoch}: beta {cells[9]}, expected {expected}");
            Assert.True(Math.Abs(cells[4] - (cells[5] + 4 * cells[6])) <= 1e-6 * cells[4],
                $"epoch {epoch}: test loss {cells[4]} != recon + 4 kl");
            string shown = expected.ToString("0.###", CultureInfo.InvariantCulture);
            Assert.Contains(result.OutLines, l =>
                l.StartsWith($"epoch {epoch}/3 ", StringComparison.Ordinal)
                && l.Contains($" beta={shown} ", StringComparison.Ordinal));
        }
        Assert.Contains("test loss: the full beta 4",
            File.ReadAllText(Path.Combine(dir, "report.html")));
    }

    /// <summary>Item 8: a metrics.csv written before the beta column still reads (beta NaN) and is
    /// written back with the column.</summary>
    [Fact]
    public void MetricsWithoutTheBetaColumnStillRead()
    {
        using var temp = new TempFolder("oldcsv");
        string path = Path.Combine(temp.Path, "metrics.csv");
        var random = new Random();
        double loss = 100 + random.NextDouble();
        File.WriteAllText(path, MetricsCsv.HeaderWithoutBeta + "\n"
            + string.Create(CultureInfo.InvariantCulture,
                $"1,{loss:R},{loss - 1:R},1,{loss:R},{loss - 1:R},1,0.5,1000\n"));
        var rows = MetricsCsv.Read(path);
        Assert.Single(rows);
        Assert.Equal(loss, rows[0].TrainLoss);
        Assert.True(double.IsNaN(rows[0].Beta));
        MetricsCsv.Write(path, [rows[0] with { Beta = 0.25 }]);
        var back = File.ReadAllLines(path);
        Assert.Equal(MetricsCsv.Header, back[0]);
        Assert.EndsWith(",0.25", back[1]);
        Assert.Equal(0.25, MetricsCsv.Read(path)[0].Beta);
    }

    private static string[] Tiny(string epochs, params string[] more) =>
    [
        "--dataset", "usps", "--data-dir", Usps, "--limit", "500", "--epochs", epochs, "--encoder", "16",
        "--decoder", "16", "--latent", "3", .. more,
    ];

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(
            System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))!;

    internal static void AssertUserError(RunnerResult result, string mentioned)
    {
        Assert.True(result.Code == 2, result.ToString());
        Assert.True(result.ErrLines.Length == 1, $"expected one stderr line:\n{result}");
        Assert.StartsWith("error: ", result.Err);
        Assert.Contains(mentioned, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }
}
