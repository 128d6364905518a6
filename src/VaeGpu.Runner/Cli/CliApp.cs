// The command line: `VaeGpu.Runner [options]` trains; sub-commands sample, eval, sweep, classifier,
// devices, data, kernels and selftest. A thin adapter: options become requests to the services in
// Training/. Parse errors and user errors become one line on stderr and exit code 2; Ctrl+C ends a run
// with 130 after the current step; a diverged run exits with 3. Runs in-process for tests.
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

/// <summary>The runner's entry point, callable in-process.</summary>
public sealed partial class CliApp
{
    private const string Examples = """
        Train variational autoencoders on MNIST, USPS and Fashion-MNIST on cpu, OpenCL or CUDA.

        Examples:
          VaeGpu.Runner                                    PyTorch's VAE example (784-400-20), MNIST, cpu
          VaeGpu.Runner --accelerator cuda --epochs 20     the same on an NVIDIA GPU, 20 epochs
          VaeGpu.Runner --dataset usps --model cvae        a conditional VAE on USPS
          VaeGpu.Runner --latent 2 --out runs/z2           2-D latent: also writes manifold.png
          VaeGpu.Runner --resume runs/z2 --epochs 30       continue a run
          VaeGpu.Runner sample --run runs/z2 --n 16        decode 16 draws from a trained model
          VaeGpu.Runner eval --run runs/z2                 test loss, K=100 bound on -log p(x), digit-FID
          VaeGpu.Runner classifier --dataset mnist         train the digit classifier behind digit-FID
          VaeGpu.Runner sweep --grid "latent=2,20;beta=1,4" --out runs/sweep   train a grid, compare.html
          VaeGpu.Runner devices                            list backends and devices
          VaeGpu.Runner selftest                           check a GPU: ops, GEMM GFLOP/s, one epoch vs cpu
          VaeGpu.Runner data fetch mnist                   download and verify MNIST
        """;

    private readonly TextWriter _out, _err;
    private readonly CliConsole _console;
    private readonly TrainOptions _train = new();

    /// <summary>Creates the app writing to the given streams; <paramref name="interactive"/> enables
    /// bars.</summary>
    public CliApp(TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancel)
    {
        (_out, _err) = (stdout, stderr);
        var style = interactive ? ProgressStyle.Bars : ProgressStyle.Lines;
        _console = new CliConsole(stdout, stderr, style, cancel);
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public int Run(string[] args)
    {
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            // System.CommandLine's messages may span lines (lists of allowed values): keep them on one.
            string message = string.Join(" ", parse.Errors[0].Message.Split(['\n', '\r', '\t'],
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            _err.WriteLine($"error: {message}{TypoHint.For(parse)} (see --help)");
            return ExitCodes.UserError;
        }
        if (parse.Action is not HelpAction && parse.CommandResult.Command != root
            && parse.RootCommandResult.Children.OfType<OptionResult>().FirstOrDefault(o => !o.Implicit)
                is { } early)
        {
            // `VaeGpu.Runner --epochs 1 sweep ...` parses, but the training options before the command
            // belong to the root command and the sub-command would run without them.
            string command = parse.CommandResult.Command.Name, option = early.IdentifierToken?.Value
                ?? early.Option.Name;
            _err.WriteLine($"error: {option}: options go after the command (VaeGpu.Runner {command} "
                + $"{option} ...); before '{command}' they would be ignored");
            return ExitCodes.UserError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = _out, Error = _err, EnableDefaultExceptionHandler = false,
                    ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            _err.WriteLine($"error: {message}");
            return ExitCodes.UserError;
        }
    }

    /// <summary>The one-line message of an exception a user can cause, or null for a bug.</summary>
    internal static string? UserMessage(Exception e) => e switch
    {
        UserErrorException or DataException or SafeTensorsFormatException => e.Message,
        AcceleratorUnavailableException => $"accelerator unavailable: {e.Message}",
        UnauthorizedAccessException => $"permission denied: {e.Message}",
        IOException => $"i/o error: {e.Message}",
        _ => null,
    };

    private RootCommand BuildRoot()
    {
        var root = new RootCommand(Examples);
        foreach (var option in _train.All) root.Add(option);
        root.SetAction(Train);
        root.Add(SampleCommand());
        root.Add(EvalCommand());
        root.Add(SweepCommand());
        root.Add(DevicesCommand());
        root.Add(DataCommand());
        root.Add(KernelsCommand());
        root.Add(ClassifierCommand());
        root.Add(ExportCommand());
        root.Add(SelfTest.SelfTestCommand.Create(_out, _err,
            dir => DatasetSource.Load(_console, "mnist", dir, null, quiet: true).Data));
        return root;
    }

    /// <summary>The root command: a new run from the options, or --resume RUN from its config.json.</summary>
    private int Train(ParseResult parse)
    {
        string? resumeDir = parse.GetValue(_train.Resume);
        var config = resumeDir is null ? _train.ToConfig(parse) : _train.ToResumeConfig(parse, resumeDir);
        string runDir = resumeDir ?? parse.GetValue(_train.Out) ?? TrainRunner.DefaultRunDir(config);
        return TrainRunner.Run(_console, new TrainRequest(config, runDir, resumeDir is not null,
            parse.GetValue(_train.DataDir), parse.GetValue(_train.Quiet)));
    }
}
