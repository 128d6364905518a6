// The classifier service: trains the digit classifier that eval uses as the yardstick of its digit-FID
// and of a CVAE's conditional accuracy, prints one line per epoch and saves it to the dataset's
// classifier folder (or the one asked for).
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>What classifier to train and where to save it.</summary>
public sealed record ClassifierRequest(string Dataset, int? Epochs, string? OutDir, string? DataDir,
    long Seed, bool Quiet, AcceleratorKind Accelerator, int Device, int Threads);

/// <summary>Trains and saves a digit classifier.</summary>
public static class ClassifierRunner
{
    /// <summary>Trains <paramref name="request"/>; returns the exit code.</summary>
    public static int Run(IRunnerConsole console, ClassifierRequest request)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(request);
        string name = request.Dataset;
        if (request.Seed < 0)
            throw new UserErrorException($"--seed: expected a non-negative number, got {request.Seed}");
        var settings = new ClassifierSettings() with { Epochs = request.Epochs, Seed = (ulong)request.Seed };
        settings.Validate();
        PathOptions.Optional(request.DataDir, "--data-dir");
        string folder = PathOptions.Optional(request.OutDir, "--out") ?? DigitClassifier.DefaultFolder(name);
        // Before the training: a folder that cannot be written fails now, not after the last epoch.
        OutputFolder.EnsureWritable(folder, "classifier");
        bool silent = request.Quiet;
        using var acc = ModelFactory.CreateAccelerator(request.Accelerator, request.Device, request.Threads);
        var (data, _) = DatasetSource.Load(console, name, request.DataDir, null, silent);
        if (!silent)
            console.Out.WriteLine($"training a {data.Train.ImageSize}-{string.Join("-", settings.Hidden)}-" +
                $"{data.Train.Classes} classifier on {name} ({data.Train.Count} images), {acc.Name}");
        DigitClassifier classifier;
        try
        {
            classifier = DigitClassifier.Train(acc, data, settings, Report(console, silent, "epoch"),
                console.Cancel);
        }
        catch (OperationCanceledException)
        {
            console.Err.WriteLine($"interrupted; no classifier saved to {folder}");
            return ExitCodes.Interrupted;
        }
        using (classifier)
        {
            classifier.Save(folder);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"classifier dataset={name} test_accuracy={classifier.TestAccuracy:F4} saved={folder}"));
        }
        return ExitCodes.Ok;
    }

    /// <summary>One line per classifier epoch ("PREFIX 3/20 loss=... test_accuracy=... seconds=<this
    /// epoch's> total_seconds=<so far>"), or nothing.</summary>
    internal static IProgress<ClassifierProgress> Report(IRunnerConsole console, bool silent,
        string prefix)
    {
        double before = 0; // the running total at the end of the previous epoch
        return new SyncProgress<ClassifierProgress>(p =>
        {
            if (p.Epoch == 1) before = 0;
            double epochSeconds = p.Seconds - before;
            before = p.Seconds;
            if (!silent)
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{prefix} {p.Epoch}/{p.Epochs} loss={p.TrainLoss:F4} " +
                    $"test_accuracy={p.TestAccuracy:F4} " +
                    $"seconds={epochSeconds:F1} total_seconds={p.Seconds:F1}"));
        });
    }
}
