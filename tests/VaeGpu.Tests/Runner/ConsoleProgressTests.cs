// The terminal progress of a run, replayed on a test screen: one line per finished epoch and the bar
// only while an epoch runs; a message written while the bar is live is never drawn over; after Ctrl+C
// the bar stays where it stopped, the interruption message follows it in full, and the cursor is shown.
using VaeGpu.Runner.Cli;
using VaeGpu.Runner.Training;

namespace VaeGpu.Tests.Runner;

public sealed class ConsoleProgressTests
{
    private static EpochMetrics Metrics(int epoch) =>
        new(epoch, 150.5 - epoch, 130, 20.5, 140 - epoch, 121, 19, 2.5, 24_000);

    [Fact]
    public void FinishedEpochsTakeOneLineEachAndTheBarShowsOnlyWhileAnEpochRuns()
    {
        var output = new StringWriter();
        var line = new LiveLine(output, () => 100, TimeSpan.Zero); // draw every update
        using (var progress = new ConsoleProgress(line.Guard(output), ProgressStyle.Bars))
        {
            progress.Info("run folder /tmp/r");
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                progress.EpochStarted(epoch, 3, 57);
                for (int step = 10; step <= 57; step += 10) progress.StepFinished(step, 57, 5000, 130.25);
                if (epoch == 2)
                {
                    // Mid-epoch: the bar is on screen, with the step and the running loss.
                    var live = TerminalScreen.Of(output.ToString());
                    Assert.StartsWith("epoch 2/3 ", live.Lines[^1]);
                    Assert.Contains("50/57", live.Lines[^1]);
                    Assert.Contains("loss 130.25", live.Lines[^1]);
                    Assert.False(live.CursorVisible, "the cursor is hidden while the bar is drawn");
                }
                progress.EpochFinished(Metrics(epoch));
            }
        }
        var screen = TerminalScreen.Of(output.ToString());
        Assert.Equal(4, screen.Lines.Count);
        Assert.Equal("run folder /tmp/r", screen.Lines[0]);
        for (int epoch = 1; epoch <= 3; epoch++)
            Assert.StartsWith($"epoch {epoch}/3 train_loss=", screen.Lines[epoch]);
        Assert.DoesNotContain(screen.Lines, l => l.Length == 0 || l.Contains('\u2588') || l.Contains('%'));
        Assert.True(screen.CursorVisible);
    }

    [Fact]
    public void CtrlCLeavesTheBarWhereItStoppedFollowedByTheWholeMessage()
    {
        var terminal = new StringWriter();
        var live = new LiveLine(terminal, () => 100, TimeSpan.Zero);
        TextWriter stdout = live.Guard(terminal), stderr = live.Guard(terminal);
        string stop = "interrupted at epoch 4, step 21 of 57; the checkpoint of epoch 3 is kept in runs/x " +
            "(continue with --resume runs/x)";
        using (var progress = new ConsoleProgress(stdout, ProgressStyle.Bars))
        {
            progress.EpochStarted(4, 10, 57);
            progress.StepFinished(10, 57, 5000, 99.5);
            // What Program.cs does on Ctrl+C: the notice, then the stopping state.
            stderr.WriteLine("stopping after the current step (press Ctrl+C again to abort now)");
            live.Stopping();
            progress.StepFinished(20, 57, 5000, 99.25);
            stderr.WriteLine(stop); // the CLI's message once the trainer has returned
        }
        var screen = TerminalScreen.Of(terminal.ToString());
        Assert.Equal(3, screen.Lines.Count);
        Assert.Equal("stopping after the current step (press Ctrl+C again to abort now)", screen.Lines[0]);
        Assert.StartsWith("epoch 4/10 ", screen.Lines[1]);
        Assert.Contains("20/57", screen.Lines[1]); // where it stopped, not 100%
        Assert.DoesNotContain("100%", screen.Lines[1]);
        Assert.Equal(stop, screen.Lines[2]);
        Assert.True(screen.CursorVisible, "the cursor must be shown again");
        Assert.EndsWith(LiveLine.ShowCursor + stop + "\n", terminal.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public void ASecondCtrlCFreezesTheBarShowsTheCursorAndSaysSo()
    {
        var terminal = new StringWriter();
        var live = new LiveLine(terminal, () => 100, TimeSpan.Zero);
        var progress = new ConsoleProgress(live.Guard(terminal), ProgressStyle.Bars);
        progress.EpochStarted(1, 2, 100);
        progress.StepFinished(30, 100, 5000, 120);
        live.Abort(live.Guard(terminal), "aborted at once");
        var screen = TerminalScreen.Of(terminal.ToString());
        Assert.Contains("30/100", screen.Lines[0]);
        Assert.Equal("aborted at once", screen.Lines[1]);
        Assert.True(screen.CursorVisible);
    }

    [Fact]
    public void TheBarNeverWrapsAndSaysWhatItsTimeIs()
    {
        var terminal = new StringWriter();
        var live = new LiveLine(terminal, () => 40, TimeSpan.Zero);
        var progress = new ConsoleProgress(live.Guard(terminal), ProgressStyle.Bars);
        progress.EpochStarted(1, 2, 100);
        Thread.Sleep(20);
        progress.StepFinished(50, 100, 5000, 120);
        Assert.All(TerminalScreen.Of(terminal.ToString()).Lines, l => Assert.True(l.Length < 40, l));
        Assert.Matches(@" \d+:\d\d left$", progress.BarText(50, 100, 5000, 120));
    }

    [Fact]
    public void StepsBetweenRedrawsAllocateNothing()
    {
        var terminal = new StringWriter();
        var live = new LiveLine(terminal, () => 100, TimeSpan.FromHours(1));
        var progress = new ConsoleProgress(live.Guard(terminal), ProgressStyle.Bars);
        progress.EpochStarted(1, 1, 100_000);
        progress.StepFinished(1, 100_000, 5000, 120);
        // A string per step would be hundreds of kilobytes in every window of 9,998 steps. Up to three
        // windows: once, in a full suite run (2026-11-30, its message not kept), a single window failed;
        // alone the test passed in twelve runs. Whatever allocated then, a per-step leak shows in all three.
        var windows = new List<long>();
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int step = 2; step < 10_000; step++) progress.StepFinished(step, 100_000, 5000, 120);
            windows.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (windows[^1] < 4096) return;
        }
        Assert.Fail($"bytes allocated by steps between redraws, in each of three windows of 9,998 steps: "
            + string.Join(", ", windows));
    }
}
