// Entry point: wires the console and Ctrl+C to the CLI. The first Ctrl+C asks the run to stop after
// its current step (exit code 130, last completed epoch kept); a second one ends the process at once.
// On a terminal, stdout and stderr print through the live progress line, so no message is drawn over,
// and the cursor the bar hides is shown again on every way out.
using VaeGpu.Runner.Cli;

using var cancel = new CancellationTokenSource();
bool interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
var live = new LiveLine(Console.Out, () =>
{
    try { return Console.WindowWidth; }
    catch (IOException) { return 80; }
});
var (stdout, stderr) = interactive
    ? (live.Guard(Console.Out), live.Guard(Console.Error))
    : (Console.Out, Console.Error);
AppDomain.CurrentDomain.ProcessExit += (_, _) => live.Freeze();
AppDomain.CurrentDomain.UnhandledException += (_, _) => live.Freeze();
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) // second press: say so, show the cursor, let the runtime end it
    {
        live.Abort(stderr, "aborted at once; the checkpoints of completed epochs are intact");
        return;
    }
    e.Cancel = true;
    stderr.WriteLine("stopping after the current step (press Ctrl+C again to abort now)");
    live.Stopping();
    cancel.Cancel();
};
return new CliApp(stdout, stderr, interactive, cancel.Token).Run(args);
