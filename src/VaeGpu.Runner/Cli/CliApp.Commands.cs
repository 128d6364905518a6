// The sub-commands that train or use models, as adapters: sample, eval, classifier and sweep read their
// options into a request and call the service in Training/ (SampleRunner, EvalRunner, ClassifierRunner,
// SweepRunner). Each takes --accelerator, --device and --threads from the settings table.
using System.CommandLine;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private Command SampleCommand()
    {
        var run = RunOption();
        var count = new Option<int>("--n")
            { Description = "Number of samples", DefaultValueFactory = _ => 64 };
        var label = new Option<int?>("--label") { Description = "Class of every sample (cvae only)" };
        var output = new Option<string?>("--out")
        { Description = "PNG file (default RUN/samples-N[-label-D].png)" };
        var seed = new Option<long>("--seed") { Description = "Draw number (0 reproduces samples.png)",
            DefaultValueFactory = _ => 0 };
        var device = new DeviceOptions();
        var command = new Command("sample", "Decode draws z ~ N(0, I) of a trained model into a PNG grid")
            { run, count, label, output, seed };
        foreach (var option in device.All) command.Add(option);
        command.SetAction(parse =>
        {
            var d = device.Read(parse);
            return SampleRunner.Run(_console, new SampleRequest(parse.GetValue(run)!, parse.GetValue(count),
                parse.GetValue(label), parse.GetValue(output), parse.GetValue(seed), d.Accelerator, d.Device,
                d.Threads));
        });
        return command;
    }

    private Command EvalCommand()
    {
        var run = RunOption();
        var samples = ImportanceSamplesOption(
            "K samples per image for the log-likelihood bound (5000 for publication-grade numbers)");
        var dataDir = DataDirOption();
        var quiet = new Option<bool>("--quiet") { Description = "Print only the result line" };
        var fidSamples = FidSamplesOption();
        var classifierDir = new Option<string?>("--classifier")
        { Description = "Digit classifier folder (default: where `classifier --dataset D` saves it)" };
        var device = new DeviceOptions();
        var command = new Command("eval",
            "Test loss of a trained model and the importance-sampled bound on -log p(x); writes " +
            "RUN/eval.json")
            { run, samples, fidSamples, classifierDir, dataDir, quiet };
        foreach (var option in device.All) command.Add(option);
        command.SetAction(parse =>
        {
            var d = device.Read(parse);
            return EvalRunner.Run(_console, new EvalRequest(parse.GetValue(run)!, parse.GetValue(samples),
                parse.GetValue(fidSamples), parse.GetValue(classifierDir), parse.GetValue(dataDir),
                parse.GetValue(quiet), d.Accelerator, d.Device, d.Threads));
        });
        return command;
    }

    private Command ClassifierCommand()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist, usps or fashion-mnist",
            Required = true };
        dataset.AcceptOnlyFromAmong("mnist", "usps", "fashion-mnist");
        var epochs = new Option<int?>("--epochs")
        { Description = "Passes over the training set (default 20 for MNIST-sized sets, 30 for USPS)" };
        var output = new Option<string?>("--out")
        { Description = $"Folder for the classifier (default ${DigitClassifier.FolderVariable}/DATASET, " +
            "else ~/.cache/vaegpu/classifiers/DATASET)" };
        var dataDir = DataDirOption();
        var seed = new Option<long>("--seed") { Description = "Seed of the weights, shuffles and shifts",
            DefaultValueFactory = _ => (long)new ClassifierSettings().Seed };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the final line" };
        var device = new DeviceOptions();
        var command = new Command("classifier",
            "Train the digit classifier behind eval's digit-FID and CVAE conditional accuracy")
            { dataset, epochs, output, dataDir, seed, quiet };
        foreach (var option in device.All) command.Add(option);
        command.SetAction(parse =>
        {
            var d = device.Read(parse);
            return ClassifierRunner.Run(_console, new ClassifierRequest(parse.GetValue(dataset)!,
                parse.GetValue(epochs), parse.GetValue(output), parse.GetValue(dataDir), parse.GetValue(seed),
                parse.GetValue(quiet), d.Accelerator, d.Device, d.Threads));
        });
        return command;
    }

    private Command SweepCommand()
    {
        var train = new TrainOptions();
        var grid = new Option<string?>("--grid")
        {
            Description = "Grid of settings, every combination: \"latent=2,5,10;beta=0.5,1,4\" " +
                "(layer lists inside a grid use ':', e.g. encoder=512:256)",
        };
        var plan = new Option<string?>("--plan")
        { Description = "Plan file: one run per line, \"latent=2 beta=1\"" };
        var output = new Option<string>("--out")
        { Description = "Sweep folder (one sub-folder per run); rerun to resume", Required = true };
        var samples = ImportanceSamplesOption("K of each VAE run's log-likelihood bound (a GAN has none)");
        var fidSamples = FidSamplesOption();
        var classifierRoot = new Option<string?>("--classifiers")
        {
            Description = "Folder of digit classifiers, one sub-folder per dataset (default " +
                $"${DigitClassifier.FolderVariable}, else ~/.cache/vaegpu/classifiers)",
        };
        var command = new Command("sweep",
            "Train a grid of runs, VAEs or GANs, and compare them (compare.csv, compare.html)")
            { grid, plan, output, samples, fidSamples, classifierRoot };
        foreach (var option in train.All)
            if (option != train.Out && option != train.Resume) command.Add(option);
        command.SetAction(parse =>
        {
            string? gridText = parse.GetValue(grid), planPath = parse.GetValue(plan);
            if ((gridText is null) == (planPath is null))
                throw new UserErrorException("sweep: give exactly one of --grid and --plan");
            var settings = gridText is not null ? SweepPlan.ParseGrid(gridText)
                : SweepPlan.ParsePlan(planPath!, SweepRunner.ReadPlan(planPath!));
            var runs = SweepPlan.Build(train.ToConfig(parse), settings);
            int k = parse.GetValue(samples), fid = EvalRunner.CheckFidSamples(parse.GetValue(fidSamples));
            Evaluator.CheckImportanceSamples(k);
            return SweepRunner.Run(_console, runs, new SweepSettings(parse.GetValue(output)!,
                parse.GetValue(train.DataDir), k, fid, parse.GetValue(train.Quiet),
                gridText ?? Path.GetFileName(planPath!), parse.GetValue(classifierRoot)));
        });
        return command;
    }

    private static Option<string> RunOption() =>
        new("--run") { Description = "Run folder with model.safetensors", Required = true };

    private static Option<string?> DataDirOption() => new("--data-dir")
    {
        Description = "Folder with the dataset files (default: the folder the run recorded, else " +
            "$VAEGPU_DATA, else ~/.cache/vaegpu/datasets)",
    };

    private static Option<int> ImportanceSamplesOption(string description) =>
        new("--importance-samples") { Description = description, DefaultValueFactory = _ => 100 };

    private static Option<int> FidSamplesOption() => new("--fid-samples")
    {
        Description = "Generated images for the digit-FID, digit-KID and a conditional model's accuracy "
            + "(0 = skip them)",
        DefaultValueFactory = _ => DigitEvaluation.DefaultSamples,
    };
}
