// Issue 19 item 11, the smaller messages: a mistyped option suggests the right one, a bad number names
// the option (not 'System.Int32'), sample's --out is checked up front, a sweep of one run says "1 run",
// compare.csv fills a key a plan line left out, and the classifier's seconds are per epoch.
using System.Globalization;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class NewUserMessagesTests(ITestOutputHelper output)
{
    private static string Usps => RunnerHarness.DataDir("usps");

    public static TheoryData<string[], string> Messages => new()
    {
        { ["--epoch", "3"], "(did you mean --epochs?)" },
        { ["--learning-rat", "0.1"], "error: Unrecognized command or argument '--learning-rat'" },
        { ["sample", "--runn", "r"], "(did you mean --run?)" },
        { ["sweep", "--grid", "latent=2", "--ot", "x"], "(did you mean --out?)" },
        { ["--epochs", "abc"], "--epochs: expected a positive integer, got 'abc'" },
        { ["--resume", "/tmp/does-not-exist-vaegpu"],
            "--resume /tmp/does-not-exist-vaegpu: no such folder" },
        { ["sample", "--run", Path.GetTempPath(), "--out", "x.jpg"],
            "--out x.jpg: expected a .png file name" },
        { ["sample", "--run", Path.GetTempPath(), "--out", "/tmp/missing-vaegpu/x.png"],
            "--out /tmp/missing-vaegpu/x.png: no such folder /tmp/missing-vaegpu" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void UserErrorsSayWhatIsWrongInOneLine(string[] args, string message)
    {
        var result = RunnerHarness.Run(args);
        output.WriteLine(result.ToString());
        NewUserTests.AssertUserError(result, message);
        Assert.DoesNotContain("System.", result.Err);
        Assert.DoesNotContain(".tmp", result.Err);
    }

    [Fact]
    public void ANameFarFromEveryOptionGetsNoSuggestion()
    {
        var result = RunnerHarness.Run("--learning-rat", "0.1");
        NewUserTests.AssertUserError(result, "--learning-rat");
        Assert.DoesNotContain("did you mean", result.Err);
    }

    /// <summary>compare.csv used to leave `model` empty for the plan line without model=; and a sweep of
    /// one run said "sweep of 1 runs".</summary>
    [DataFact("usps")]
    public void CompareCsvFillsKeysAPlanLineLeavesOutAndOneRunIsSingular()
    {
        using var rootFolder = new TempFolder("plan");
        string root = rootFolder.Path;
        string plan = Path.Combine(root, "plan.txt");
        File.WriteAllText(plan, "latent=2 model=ae\nlatent=3\n");
        string[] common = ["--dataset", "usps", "--data-dir", Usps, "--limit", "200", "--epochs", "1",
            "--encoder", "8", "--decoder", "8", "--importance-samples", "1", "--fid-samples", "0",
            "--quiet"];
        var two = RunnerHarness.Run(
            ["sweep", "--plan", plan, "--out", Path.Combine(root, "two"), .. common]);
        output.WriteLine(two.ToString());
        Assert.True(two.Code == 0, two.ToString());
        Assert.StartsWith("sweep of 2 runs:", two.OutLines[^1]);
        var lines = File.ReadAllLines(Path.Combine(root, "two", "compare.csv"));
        var header = lines[0].Split(',');
        int model = Array.IndexOf(header, "model"), latent = Array.IndexOf(header, "latent");
        Assert.True(model > 0 && latent > 0, lines[0]);
        Assert.Equal(("2", "ae"), (lines[1].Split(',')[latent], lines[1].Split(',')[model]));
        Assert.Equal(("3", "vae"), (lines[2].Split(',')[latent], lines[2].Split(',')[model]));

        var one = RunnerHarness.Run(["sweep", "--grid", "latent=2", "--out", Path.Combine(root, "one"),
            .. common]);
        Assert.True(one.Code == 0, one.ToString());
        Assert.StartsWith("sweep of 1 run:", one.OutLines[^1]);
    }

    /// <summary>The classifier's seconds= was the running total; now it is the epoch's, with the total
    /// beside it.</summary>
    [DataFact("usps")]
    public void ClassifierEpochLinesGiveTheEpochsSecondsAndTheTotal()
    {
        using var temp = new TempFolder("classifier");
        string dir = temp.Path;
        var result = RunnerHarness.Run("classifier", "--dataset", "usps", "--data-dir", Usps, "--epochs",
            "3", "--out", dir);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        var epochs = result.OutLines.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal))
            .Select(l => (Epoch: Value(l, "seconds"), Total: Value(l, "total_seconds"))).ToArray();
        Assert.Equal(3, epochs.Length);
        double sum = 0;
        foreach (var (epoch, total) in epochs)
        {
            sum += epoch;
            Assert.True(epoch > 0, $"epoch seconds {epoch}");
            // Each is rounded to 0.1 s on the line.
            Assert.True(Math.Abs(sum - total) <= 0.05 * epochs.Length + 1e-9, $"{sum} vs total {total}");
        }

        static double Value(string line, string key) => double.Parse(line.Split(' ')
            .Single(w => w.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..],
            CultureInfo.InvariantCulture);
    }
}
