// The command line: `VaeGpu.Runner [options]` trains; sub-commands sample, eval, devices, data and
// kernels. Parse errors and user errors become one line on stderr and exit code 2; Ctrl+C ends a run
// with 130 after the current step; a diverged run exits with 3. Runs in-process for tests.
using System.CommandLine;
using System.CommandLine.Help;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

/// <summary>Exit codes of the runner.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>A user error: bad option, missing or corrupt data, unusable output folder, absent
    /// backend.</summary>
    public const int UserError = 2;
    /// <summary>The loss became NaN or infinite.</summary>
    public const int Diverged = 3;
    /// <summary>Interrupted by Ctrl+C (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}

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
    private readonly ProgressStyle _style;
    private readonly CancellationToken _cancel;
    private readonly TrainOptions _train = new();

    /// <summary>Creates the app writing to the given streams; <paramref name="interactive"/> enables
    /// bars.</summary>
    public CliApp(TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken cancel)
    {
        (_out, _err, _cancel) = (stdout, stderr, cancel);
        _style = interactive ? ProgressStyle.Bars : ProgressStyle.Lines;
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
            _err.WriteLine($"error: {message} (see --help)");
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
    private static string? UserMessage(Exception e) => e switch
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
        root.Add(SelfTest.SelfTestCommand.Create(_out, _err, dir => LoadDataset("mnist", dir, quiet: true)));
        return root;
    }

    private int Train(ParseResult parse)
    {
        string? resumeDir = parse.GetValue(_train.Resume);
        bool quiet = parse.GetValue(_train.Quiet);
        RunConfig config;
        string runDir;
        if (resumeDir is not null)
        {
            foreach (var option in _train.Fixed)
                if (TrainOptions.Given(parse, option))
                    throw new UserErrorException($"{option.Name} cannot be combined with --resume: " +
                        $"{Path.Combine(resumeDir, Checkpoint.ConfigFile)} fixes it " +
                        "(only --epochs and device options may change)");
            runDir = resumeDir;
            config = RunConfig.Load(Path.Combine(resumeDir, Checkpoint.ConfigFile));
            if (TrainOptions.Given(parse,
                _train.Epochs)) config = config with { Epochs = parse.GetValue(_train.Epochs) };
            if (TrainOptions.Given(parse, _train.Accelerator) || TrainOptions.Given(parse, _train.Device)
                || TrainOptions.Given(parse, _train.Threads))
                config = _train.WithDevice(config, parse);
        }
        else
        {
            config = _train.ToConfig(parse);
            runDir = parse.GetValue(_train.Out)
                ?? Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{config.Dataset}-{config.Model}");
        }
        TrainOptions.Validate(config);
        // The accelerator first: a missing backend is reported before any data is fetched.
        using var accelerator = ModelFactory.CreateAccelerator(config.Accelerator, config.Device,
            config.Threads);
        var dataset = LoadDataset(config.Dataset, parse.GetValue(_train.DataDir), quiet);
        CheckDataset(config, dataset);
        PrepareRunFolder(runDir, resuming: resumeDir is not null);
        using var progress = new ConsoleProgress(_out, quiet ? ProgressStyle.Quiet : _style);
        progress.Info($"run folder {Path.GetFullPath(runDir)}");
        int trainImages = Math.Min(config.Limit ?? dataset.Train.Count, dataset.Train.Count);
        progress.Info($"{config.Model} on {config.Dataset} ({trainImages} " +
            $"training images), {accelerator.Name}");
        var result = new Trainer(config, dataset, accelerator, runDir, progress).Run(resumeDir is not null,
            _cancel);
        switch (result.Outcome)
        {
            case TrainOutcome.Interrupted:
                _err.WriteLine(result.Message);
                return ExitCodes.Interrupted;
            case TrainOutcome.Diverged:
                _err.WriteLine($"error: {result.Message}");
                return ExitCodes.Diverged;
        }
        var last = result.Metrics.Count > 0 ? result.Metrics[^1] : null;
        _out.WriteLine(last is null ? $"no epoch to train; run={runDir}" : string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"epochs={last.Epoch} train_loss={last.TrainLoss:F4} test_loss={last.TestLoss:F4} run={runDir}"));
        return ExitCodes.Ok;
    }

    private static void CheckDataset(RunConfig config, Dataset dataset)
    {
        if (dataset.Train.ImageSize != config.InputDim || dataset.Train.Width != config.ImageWidth)
            throw new UserErrorException(
                $"{config.Dataset} images are {dataset.Train.Width}x{dataset.Train.Height}, " +
                $"but the model expects {config.ImageWidth}x{config.ImageHeight}");
        if (config.IsConditional && dataset.Train.Classes > config.Classes)
            throw new UserErrorException(
                $"{config.Dataset} has {dataset.Train.Classes} classes, the model {config.Classes}");
    }

    private static void PrepareRunFolder(string runDir, bool resuming)
    {
        if (resuming)
        {
            if (!Directory.Exists(runDir))
                throw new UserErrorException($"--resume {runDir}: no such run folder");
            return;
        }
        if (File.Exists(Path.Combine(runDir, Checkpoint.ConfigFile)))
            throw new UserErrorException(
                $"--out {runDir}: already holds a run; continue it with --resume {runDir} " +
                "or choose another --out");
        OutputFolder.EnsureWritable(runDir, "run");
    }
}
