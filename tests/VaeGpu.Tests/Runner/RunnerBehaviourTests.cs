// Runner behaviour beyond one run: a CVAE's class samples, --resume equal bit for bit to an
// uninterrupted run on cpu, Ctrl+C (exit 130, no torn checkpoint), and user errors (one line on
// stderr, exit code 2, no stack trace).
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class RunnerBehaviourTests(ITestOutputHelper output)
{
    private static string Usps => RunnerHarness.DataDir("usps");

    [DataFact("usps")]
    public void ConditionalVaeWritesSamplesByClassAndAPcaLatentPlot()
    {
        using var temp = new TempFolder("cvae");
        string dir = temp.Path;
        var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", Usps, "--model", "cvae",
            "--limit", "1000", "--epochs", "1", "--encoder", "64", "--decoder", "64", "--latent", "5",
            "--out", dir, "--quiet");
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Single(result.OutLines); // --quiet: only the final line
        Assert.Contains("test_loss=", result.OutLines[0]);
        // 10 rows (one per digit) of 10 draws, 16x16 each with 2-pixel padding.
        Assert.Equal(("L", 10 * 18 + 2, 10 * 18 + 2),
            RunnerHarness.DecodePng(Path.Combine(dir, "samples_by_class.png")));
        Assert.Contains("principal components", File.ReadAllText(Path.Combine(dir, "latent.svg")));
        Assert.False(File.Exists(Path.Combine(dir, "manifold.png")),
            "manifold.png is only for a 2-D latent");
        Assert.Equal("cvae", RunnerHarness.Config(dir).GetProperty("model").GetString());
        var label = RunnerHarness.Run("sample", "--run", dir, "--n", "4", "--label", "3",
            "--out", Path.Combine(dir, "t.png"));
        Assert.True(label.Code == 0, label.ToString());
    }

    [DataFact("usps")]
    public void ResumeEndsBitForBitLikeAnUninterruptedRun()
    {
        using var wholeFolder = new TempFolder("whole");
        using var partsFolder = new TempFolder("parts");
        string whole = wholeFolder.Path, parts = partsFolder.Path;
        // 400 images in batches of 64: the last batch of each epoch is partial (16 images).
        string[] common = ["--dataset", "usps", "--data-dir", Usps, "--limit", "400",
            "--batch-size", "64", "--encoder", "48", "--decoder", "48", "--latent", "4", "--seed", "7",
            "--quiet"];
        var uninterrupted = RunnerHarness.Run([.. common, "--epochs", "2", "--out", whole]);
        Assert.True(uninterrupted.Code == 0, uninterrupted.ToString());
        var first = RunnerHarness.Run([.. common, "--epochs", "1", "--out", parts]);
        Assert.True(first.Code == 0, first.ToString());
        // As if the run died after writing epoch 2's metrics row but before its checkpoint landed.
        File.AppendAllText(Path.Combine(parts, "metrics.csv"), "2,1,1,1,1,1,1,1,1,1\n");
        var resumed = RunnerHarness.Run("--resume", parts, "--epochs", "2", "--data-dir", Usps,
            "--quiet");
        Assert.True(resumed.Code == 0, resumed.ToString());

        foreach (var file in new[] { "model.safetensors", "optimizer.safetensors" })
        {
            var a = File.ReadAllBytes(Path.Combine(whole, file));
            var b = File.ReadAllBytes(Path.Combine(parts, file));
            PngEncoderTests.CompareBytes(a, b);
        }
        static string[] Losses(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1)
            .Select(l => string.Join(",", l.Split(',')[..7])).ToArray();
        Assert.Equal(Losses(whole), Losses(parts));
        Assert.Equal(2, Losses(parts).Length);
        Assert.Equal(uninterrupted.OutLines[^1].Split(" run=")[0],
            resumed.OutLines[^1].Split(" run=")[0]);
    }

    [DataFact("usps")]
    public void CtrlCStopsAfterTheStepWithExitCode130AndNoTornCheckpoint()
    {
        using var temp = new TempFolder("cancel");
        string dir = temp.Path;
        using var cancel = new CancellationTokenSource();
        cancel.Cancel(); // as if Ctrl+C came during the first step
        var result = RunnerHarness.Run(cancel.Token, "--dataset", "usps", "--data-dir", Usps,
            "--limit", "300", "--epochs", "2", "--encoder", "32", "--decoder", "32", "--out", dir);
        output.WriteLine(result.ToString());
        Assert.Equal(130, result.Code);
        Assert.Contains("interrupted at epoch 1, step 1", result.Err);
        Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")),
            "no epoch completed: no checkpoint");
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "metrics.csv"))); // header only
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
        // Nothing to load, yet --resume works: it starts epoch 1 afresh.
        var resumed = RunnerHarness.Run("--resume", dir);
        output.WriteLine(resumed.ToString());
        Assert.True(resumed.Code == 0, resumed.ToString());
        Assert.Contains("starting epoch 1 afresh", resumed.Out);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Length);
    }

    [DataFact("usps")]
    public void ANanLossStopsTheRunNamingEpochAndStep()
    {
        using var temp = new TempFolder("nan");
        string dir = temp.Path;
        // SGD with a learning rate of 1000 overflows within a few steps.
        var result = RunnerHarness.Run("--dataset", "usps", "--data-dir", Usps, "--optimizer", "sgd",
            "--lr", "1000", "--limit", "500", "--epochs", "2", "--encoder", "32", "--decoder", "32",
            "--out", dir);
        output.WriteLine(result.ToString());
        Assert.Equal(3, result.Code);
        Assert.Single(result.ErrLines);
        Assert.Matches(
            @"diverged: the loss became (NaN|infinite) at epoch 1, (step \d+|steps \d+-\d+) of 4",
            result.Err);
        Assert.False(File.Exists(Path.Combine(dir, "model.safetensors")),
            "a diverged epoch leaves no checkpoint");
    }

    [OpenCLUspsFact]
    public void OpenCLRunMatchesTheCpuRun()
    {
        using var cpuFolder = new TempFolder("cpu");
        using var openclFolder = new TempFolder("opencl");
        string cpu = cpuFolder.Path, opencl = openclFolder.Path;
        string[] common = ["--dataset", "usps", "--data-dir", Usps, "--limit", "500", "--epochs", "2",
            "--encoder", "48", "--decoder", "48", "--latent", "3", "--quiet"];
        var onCpu = RunnerHarness.Run([.. common, "--out", cpu]);
        var onOpenCL = RunnerHarness.Run([.. common, "--accelerator", "opencl", "--out", opencl]);
        output.WriteLine(onCpu.ToString());
        output.WriteLine(onOpenCL.ToString());
        Assert.True(onCpu.Code == 0 && onOpenCL.Code == 0, $"{onCpu}\n{onOpenCL}");
        static double[][] Losses(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv"))
            .Skip(1)
            .Select(l => l.Split(',')[1..7]
                .Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture))
                .ToArray())
            .ToArray();
        var a = Losses(cpu);
        var b = Losses(opencl);
        Assert.Equal(a.Length, b.Length);
        // Same Philox eps, same shuffles: only float summation order differs between the backends.
        for (int row = 0; row < a.Length; row++)
            for (int col = 0; col < a[row].Length; col++)
                Assert.True(Math.Abs(a[row][col] - b[row][col]) <= 1e-3 + 1e-3 * Math.Abs(a[row][col]),
                    $"epoch {row + 1} column {col + 1}: cpu {a[row][col]} vs opencl {b[row][col]}");
    }

    public static TheoryData<string[], string> BadInvocations => new()
    {
        { ["--epochs", "abc"], "--epochs" },
        { ["--dataset", "cifar"], "cifar" },
        { ["--encoder", "400,x"], "--encoder" },
        { ["--lr", "-1"], "--lr" },
        { ["--batch-size", "0"], "--batch-size" },
        { ["--preset", "nope"], "--preset" },
        { ["--no-such-option"], "--no-such-option" },
        { ["--resume", "/nonexistent/run"], "no such folder" },
        { ["sample", "--run", "/nonexistent/run"], "no such folder" },
        { ["data", "info", "mnist", "--data-dir", "/nonexistent/data"], "mnist" },
        // options before a sub-command would be the root command's and silently dropped
        { ["--epochs", "1", "sweep", "--grid", "latent=2", "--out", "x"], "options go after the command" },
        { ["--data-dir", "/somewhere", "eval", "--run", "x"], "before 'eval' they would be ignored" },
    };

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void UserErrorsGiveOneLineAndExitCode2(string[] args, string mentioned)
    {
        var result = RunnerHarness.Run(args);
        output.WriteLine(result.ToString());
        AssertOneLineUserError(result, mentioned);
    }

    [DataFact("usps")]
    public void CorruptDataAndUnwritableOutputGiveOneLineAndExitCode2()
    {
        using var dataFolder = new TempFolder("corrupt");
        string data = dataFolder.Path;
        Directory.CreateDirectory(Path.Combine(data, "usps"));
        foreach (var file in Directory.GetFiles(TestData.Folder("usps")))
            File.WriteAllBytes(Path.Combine(data, "usps", Path.GetFileName(file)),
                "BZh9 this is not bzip2"u8.ToArray());
        var corrupt = RunnerHarness.Run("--dataset", "usps", "--data-dir", data, "--epochs", "1",
            "--out", Path.Combine(data, "run"));
        output.WriteLine(corrupt.ToString());
        AssertOneLineUserError(corrupt, "usps");

        string notAFolder = Path.Combine(data, "file");
        File.WriteAllText(notAFolder, "x");
        var unwritable = RunnerHarness.Run("--dataset", "usps", "--data-dir", Usps, "--epochs", "1",
            "--out", Path.Combine(notAFolder, "run"));
        output.WriteLine(unwritable.ToString());
        AssertOneLineUserError(unwritable, "--out");
    }

    private static void AssertOneLineUserError(RunnerResult result, string mentioned)
    {
        Assert.True(result.Code == 2, result.ToString());
        Assert.True(result.ErrLines.Length == 1, $"expected one stderr line:\n{result}");
        Assert.Contains(mentioned, result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }
}
