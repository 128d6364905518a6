// Resume as a user meets it, in child processes whose $VAEGPU_DATA and cache hold nothing: a run trained
// with --data-dir D and stopped by Ctrl+C resumes with `--resume RUN` alone; a run killed with SIGKILL
// at a random point (before its first epoch, mid-epoch at a random step, before or after the model file
// of a checkpoint lands, or after a random delay) resumes and ends bit for bit where an uninterrupted
// run ends; an internal error, in training or in eval, sample or export, leaves its report in RUN/crash.txt.
// Kill points are drawn fresh each run and printed, so a failure can be replayed with VAEGPU_CRASH_AT.
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Runner;

public sealed class RunnerResumeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new("resume");

    private string Root => _folder.Path;

    public void Dispose() => _folder.Dispose();

    /// <summary>A data folder of our own (a copy of usps/) and an environment that finds no other.</summary>
    private (string DataDir, Dictionary<string, string> Environment) Isolated()
    {
        string data = Path.Combine(Root, "my data");
        Directory.CreateDirectory(Path.Combine(data, "usps"));
        foreach (var file in Directory.GetFiles(TestData.Folder("usps")))
            File.Copy(file, Path.Combine(data, "usps", Path.GetFileName(file)), overwrite: true);
        string empty = Path.Combine(Root, "empty");
        Directory.CreateDirectory(empty);
        return (data, new() { ["VAEGPU_DATA"] = empty, ["XDG_CACHE_HOME"] = empty });
    }

    private static string[] Common(string data, string epochs) =>
    [
        "--dataset", "usps", "--data-dir", data, "--limit", "400", "--batch-size", "64", "--encoder", "24",
        "--decoder", "24", "--latent", "3", "--seed", "5", "--epochs", epochs,
    ];

    private void AssertSameEnd(string reference, string resumed)
    {
        foreach (var file in new[] { "model.safetensors", "optimizer.safetensors" })
            PngEncoderTests.CompareBytes(File.ReadAllBytes(Path.Combine(reference, file)),
                File.ReadAllBytes(Path.Combine(resumed, file)));
        static string[] Losses(string dir) => File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Skip(1)
            .Select(l => string.Join(",", l.Split(',')[..7])).ToArray();
        Assert.Equal(Losses(reference), Losses(resumed));
        Assert.True(File.Exists(Path.Combine(resumed, "report.html")), "the resumed run did not finish");
    }

    [DataFact("usps")]
    public void CtrlCThenResumeAloneFindsTheCustomDataDir()
    {
        var (data, env) = Isolated();
        string whole = Path.Combine(Root, "whole"), run = Path.Combine(Root, "run");
        var reference = RunnerHarness.Run([.. Common(data, "5"), "--out", whole, "--quiet"]);
        Assert.True(reference.Code == 0, reference.ToString());
        // Ctrl+C after epoch 3: the same token Program.cs cancels on SIGINT (a test host started in the
        // background inherits SIGINT ignored, so a real signal would not arrive).
        using var cancel = new CancellationTokenSource();
        var stdout = new CancelAfterLine("epoch 3/5 train_loss", cancel);
        var stderr = new StringWriter();
        int code = new VaeGpu.Runner.Cli.CliApp(stdout, stderr, interactive: false, cancel.Token)
            .Run([.. Common(data, "5"), "--out", run]);
        var stopped = new RunnerResult(code, stdout.ToString(), stderr.ToString());
        output.WriteLine(stopped.ToString());
        Assert.True(stopped.Code == 130, stopped.ToString());
        Assert.Equal(Path.Combine(data, "usps"),
            RunnerHarness.Config(run).GetProperty("data_folder").GetString());

        var resumed = RunnerProcess.Run(env, "--resume", run, "--quiet");
        output.WriteLine(resumed.ToString());
        Assert.True(resumed.Code == 0, resumed.ToString());
        AssertSameEnd(whole, run);

        // The folder lost its files: one line naming both places looked in, exit code 2.
        File.Delete(Path.Combine(data, "usps", "usps.bz2"));
        var lost = RunnerProcess.Run(env, "--resume", run, "--epochs", "6", "--quiet");
        Assert.True(lost.Code == 2, lost.ToString());
        Assert.Single(lost.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Path.Combine(data, "usps"), lost.Err);
        Assert.Contains(Path.Combine(env["VAEGPU_DATA"], "usps"), lost.Err);
    }

    [DataFact("usps")]
    public void Kill9AtARandomPointThenResumeEndsBitForBit()
    {
        var (data, env) = Isolated();
        string whole = Path.Combine(Root, "whole");
        var reference = RunnerHarness.Run([.. Common(data, "3"), "--out", whole, "--quiet"]);
        Assert.True(reference.Code == 0, reference.ToString());
        var random = new Random();
        // 400 images in batches of 64: 7 steps per epoch, 21 in all.
        string[] points =
        [
            "started:0", $"step:{random.Next(1, 21)}", $"checkpoint:{random.Next(1, 3)}",
            $"committed:{random.Next(1, 3)}", "timer",
        ];
        foreach (string point in points)
        {
            string run = Path.Combine(Root, point.Replace(':', '-'));
            var crashEnv = new Dictionary<string, string>(env);
            if (point != "timer") crashEnv["VAEGPU_CRASH_AT"] = point;
            RunnerResult killed;
            using (var child = new RunnerProcess(crashEnv, [.. Common(data, "3"), "--out", run]))
            {
                // The whole run takes about 0.3 s: on a loaded machine it can end before its first line
                // is read (2026-11-30, in a suite run), and then the timed kill misses; the resume below
                // must still end where the uninterrupted run ends.
                if (point == "timer" && child.WaitForLine("run folder", 60))
                {
                    Thread.Sleep(random.Next(0, 400));
                    child.Kill9();
                }
                killed = child.Finish();
            }
            output.WriteLine($"--- {point}\n{killed}");
            if (point != "timer") Assert.True(killed.Code == 137, killed.ToString());
            var resumed = RunnerProcess.Run(env, "--resume", run, "--quiet");
            output.WriteLine(resumed.ToString());
            Assert.True(resumed.Code == 0, $"{point}: {resumed}");
            AssertSameEnd(whole, run);
        }
    }

    // An internal error (a bug, here injected after step 10) still fails the process with the runtime's
    // own report, and leaves RUN/crash.txt with the exception's type, message and stack, and one stderr
    // line naming the file: a trace lost to a scrolled terminal or a pipe survives there. The run
    // resumes from its last checkpoint as after any other stop.
    [DataFact("usps")]
    public void AnInternalErrorLeavesItsReportInTheRunFolder()
    {
        var (data, env) = Isolated();
        string run = Path.Combine(Root, "internal-error");
        var throwing = new Dictionary<string, string>(env) { ["VAEGPU_CRASH_AT"] = "throw:10" };
        var failed = RunnerProcess.Run(throwing, [.. Common(data, "2"), "--out", run]);
        output.WriteLine(failed.ToString());
        Assert.NotEqual(0, failed.Code);
        string message = "VAEGPU_CRASH_AT: an injected internal error after step 10";
        Assert.Contains($"internal error (a VaeGpu bug): InvalidOperationException: {message}; the full " +
            $"report is in {Path.Combine(run, "crash.txt")}", failed.Err);
        string report = File.ReadAllText(Path.Combine(run, "crash.txt"));
        Assert.Contains($"System.InvalidOperationException: {message}", report);
        Assert.Contains("VaeGpu.Runner.Training.Trainer", report); // the stack, where it was thrown
        Assert.Contains("--limit 400", report);                     // the command line
        var resumed = RunnerProcess.Run(env, "--resume", run, "--quiet");
        Assert.True(resumed.Code == 0, resumed.ToString());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "metrics.csv")).Length);

        // eval, sample and export on the run: each one's internal error (throw:0, at the start of its
        // work) adds its report after the earlier ones; the same commands then succeed.
        var atStart = new Dictionary<string, string>(env) { ["VAEGPU_CRASH_AT"] = "throw:0" };
        string[][] commands =
        [
            ["eval", "--run", run, "--fid-samples", "0", "--importance-samples", "2", "--data-dir", data],
            ["sample", "--run", run, "--n", "4"],
            ["export", "--run", run],
        ];
        foreach (var command in commands)
        {
            var crashed = RunnerProcess.Run(atStart, command);
            output.WriteLine(crashed.ToString());
            Assert.NotEqual(0, crashed.Code);
            Assert.Contains("internal error (a VaeGpu bug): InvalidOperationException: VAEGPU_CRASH_AT: an " +
                "injected internal error in a command; the full report is in", crashed.Err);
            var ran = RunnerProcess.Run(env, command);
            Assert.True(ran.Code == 0, ran.ToString());
        }
        report = File.ReadAllText(Path.Combine(run, "crash.txt"));
        Assert.Contains($"System.InvalidOperationException: {message}", report); // the training's, kept
        Assert.Equal(3, report.Split("an injected internal error in a command").Length - 1);
        foreach (var thrower in new[] { "EvalRunner.Evaluate", "SampleRunner.Sample", "ExportCore" })
            Assert.Contains(thrower, report);

        // A sweep's eval of its run, the same way.
        string sweep = Path.Combine(Root, "sweep");
        var swept = RunnerProcess.Run(atStart, ["sweep", "--grid", "latent=2", "--out", sweep,
            "--fid-samples", "0", .. Common(data, "1")]);
        output.WriteLine(swept.ToString());
        Assert.NotEqual(0, swept.Code);
        string sweepReport = File.ReadAllText(Assert.Single(Directory.GetFiles(sweep, "crash.txt",
            SearchOption.AllDirectories)));
        Assert.Contains("SweepRunner.EvaluateRunCore", sweepReport);
    }

    /// <summary>Captures output; cancels (as Ctrl+C does) once a line holding the text is written.</summary>
    private sealed class CancelAfterLine(string text, CancellationTokenSource cancel) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(text)) cancel.Cancel();
        }
    }
}
