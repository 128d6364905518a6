// `VaeGpu.Runner classifier --dataset D`: trains the digit classifier that eval uses as the yardstick
// of its digit-FID and of a CVAE's conditional accuracy, prints one line per epoch and saves it to
// the dataset's classifier folder (or --out).
using System.CommandLine;
using System.Globalization;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private Command ClassifierCommand()
    {
        var defaults = new ClassifierSettings();
        var dataset = new Option<string>("--dataset") { Description = "mnist, usps or fashion-mnist",
            Required = true };
        dataset.AcceptOnlyFromAmong("mnist", "usps", "fashion-mnist");
        var epochs = new Option<int?>("--epochs")
        { Description = "Passes over the training set (default 20 for MNIST-sized sets, 30 for USPS)" };
        var output = new Option<string?>("--out")
        { Description = $"Folder for the classifier (default ${DigitClassifier.FolderVariable}/DATASET, " +
            "else ~/.cache/vaegpu/classifiers/DATASET)" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the dataset files" };
        var seed = new Option<long>("--seed") { Description = "Seed of the weights, shuffles and shifts",
            DefaultValueFactory = _ => (long)defaults.Seed };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the final line" };
        var accelerator = AcceleratorOption();
        var command = new Command("classifier",
            "Train the digit classifier behind eval's digit-FID and CVAE conditional accuracy")
            { dataset, epochs, output, dataDir, accelerator, seed, quiet };
        command.SetAction(parse =>
        {
            string name = parse.GetValue(dataset)!;
            long seedValue = parse.GetValue(seed);
            if (seedValue < 0)
                throw new UserErrorException($"--seed: expected a non-negative number, got {seedValue}");
            var settings = defaults with { Epochs = parse.GetValue(epochs), Seed = (ulong)seedValue };
            settings.Validate();
            string folder = parse.GetValue(output) ?? DigitClassifier.DefaultFolder(name);
            bool silent = parse.GetValue(quiet);
            using var acc = ModelFactory.CreateAccelerator(parse.GetValue(accelerator)!, 0, 0);
            var data = LoadDataset(name, parse.GetValue(dataDir), silent);
            if (!silent)
                _out.WriteLine($"training a {data.Train.ImageSize}-{string.Join("-", settings.Hidden)}-" +
                    $"{data.Train.Classes} classifier on {name} ({data.Train.Count} images), {acc.Name}");
            var progress = new SyncProgress<ClassifierProgress>(p =>
            {
                if (!silent)
                    _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch}/{p.Epochs} loss={p.TrainLoss:F4} " +
                        $"test_accuracy={p.TestAccuracy:F4} " +
                        $"seconds={p.Seconds:F1}"));
            });
            DigitClassifier classifier;
            try { classifier = DigitClassifier.Train(acc, data, settings, progress, _cancel); }
            catch (OperationCanceledException)
            {
                _err.WriteLine($"interrupted; no classifier saved to {folder}");
                return ExitCodes.Interrupted;
            }
            using (classifier)
            {
                classifier.Save(folder);
                _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"classifier dataset={name} test_accuracy={classifier.TestAccuracy:F4} saved={folder}"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
