// Entry point: wires the console and Ctrl+C to the CLI. The first Ctrl+C asks the run to stop after
// its current step (exit code 130, last completed epoch kept); a second one ends the process at once.
using VaeGpu.Runner.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancel.IsCancellationRequested) return; // second press: let the runtime terminate
    e.Cancel = true;
    Console.Error.WriteLine("stopping after the current step (press Ctrl+C again to abort now)");
    cancel.Cancel();
};
bool interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected;
return new CliApp(Console.Out, Console.Error, interactive, cancel.Token).Run(args);
