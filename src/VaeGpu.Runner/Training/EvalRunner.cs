// The eval service: test loss (negative ELBO) of a run folder's checkpoint, the importance-sampled bound
// on -log p(x) with K samples, and, when the dataset's digit classifier exists, the digit-FID with its
// floor and a CVAE's conditional accuracy. Writes RUN/eval.json and prints the result line.
using System.Globalization;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training.Settings;

namespace VaeGpu.Runner.Training;

/// <summary>What to evaluate and how: the run folder, K, the digit-FID's sample count and where things
/// are.</summary>
public sealed record EvalRequest(string RunDir, int ImportanceSamples, int FidSamples, string? Classifier,
    string? DataDir, bool Quiet, AcceleratorKind Accelerator, int Device, int Threads);

/// <summary>Evaluates a trained run; shared with the sweep.</summary>
public static class EvalRunner
{
    /// <summary>Checks a digit-FID sample count: 0 (skip) or 2 to 100000.</summary>
    public static int CheckFidSamples(int n) => n == 0 || n is >= 2 and <= 100_000
        ? n
        : throw new UserErrorException($"--fid-samples: expected 0 (skip) or 2 to 100000 images, got {n}");

    /// <summary>Evaluates <paramref name="request"/>; returns the exit code.</summary>
    public static int Run(IRunnerConsole console, EvalRequest request)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(request);
        Evaluator.CheckImportanceSamples(request.ImportanceSamples);
        int fid = CheckFidSamples(request.FidSamples);
        string dir = PathOptions.ExistingFolder(request.RunDir, "--run");
        PathOptions.Optional(request.Classifier, "--classifier");
        PathOptions.Optional(request.DataDir, "--data-dir");
        return CrashReport.Guard(console, dir, () => Evaluate(console, request, dir, fid));
    }

    private static int Evaluate(IRunnerConsole console, EvalRequest request, string dir, int fid)
    {
        CrashPoint.Hit(CrashPoint.Command, 0);
        int k = request.ImportanceSamples;
        bool silent = request.Quiet;
        var config = RunConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile));
        using var acc = ModelFactory.CreateAccelerator(request.Accelerator, request.Device, request.Threads);
        var (dataset, _) = DatasetSource.Load(console, config.Dataset, request.DataDir, config.DataFolder,
            silent);
        bool bound = Evaluator.HasBound(config);
        string task = $"eval K={k} on {dataset.Test.Count} images";
        var result = console.WithProgress(silent || !bound, task,
            progress => Evaluator.Run(acc, config, dir, dataset, k, progress));
        if (fid > 0)
        {
            string folder = request.Classifier ?? DigitClassifier.DefaultFolder(config.Dataset);
            using var classifier = DigitClassifier.TryLoad(acc, folder);
            if (classifier is null)
            {
                if (!silent)
                    console.Out.WriteLine($"note: no digit-FID: no {config.Dataset} digit classifier in " +
                        $"{folder}; train one with `VaeGpu.Runner classifier --dataset {config.Dataset}`");
            }
            else
            {
                result = AddDigitMetrics(console, result, acc, config, dir,
                    DigitMetrics.Reference(classifier, dataset), fid, silent);
            }
        }
        Evaluator.Save(dir, result);
        if (!silent)
        {
            if (!bound && !config.IsGan)
                console.Out.WriteLine("note: no log-likelihood bound: it needs a vae or cvae with " +
                    $"--recon bce, and this run has --model {config.Model.Name()} " +
                    $"--recon {config.Recon.Name()}");
            console.Out.WriteLine($"wrote {Path.Combine(dir, Evaluator.FileName)}");
        }
        console.Out.WriteLine(ResultLine(result));
        return ExitCodes.Ok;
    }

    /// <summary>The one-line summary of an evaluation.</summary>
    public static string ResultLine(EvalResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string line = r.Images == 0 ? "no_test_loss (a GAN has no likelihood)" : string.Create(
            CultureInfo.InvariantCulture,
            $"test_loss={r.TestLoss:F4} test_recon={r.TestRecon:F4} test_kl={r.TestKl:F4}");
        if (r.NllBound is { } nll)
            line += string.Create(CultureInfo.InvariantCulture,
                $" nll_bound_k{r.ImportanceSamples}={nll:F4}");
        if (r.DigitFid is { } fid)
            line += string.Create(CultureInfo.InvariantCulture,
                $" digit_fid={fid:F3} fid_floor={r.FidFloor:F3}");
        if (r.DigitKid is { } kid)
            line += string.Create(CultureInfo.InvariantCulture,
                $" digit_kid={kid:F5} digit_kid_std={r.DigitKidStd:F5} kid_floor={r.KidFloor:F5}");
        if (r.RarestClassRatio is { } ratio)
            line += string.Create(CultureInfo.InvariantCulture,
                $" rarest_class={r.RarestClass} rarest_class_ratio={ratio:F3}");
        if (r.ConditionalAccuracy is { } accuracy)
            line += string.Create(CultureInfo.InvariantCulture, $" conditional_accuracy={accuracy:F4}");
        return line + string.Create(CultureInfo.InvariantCulture,
            $" images={r.Images} seconds={r.Seconds:F2}");
    }

    /// <summary>Adds digit-FID and conditional accuracy with progress, and says what the FID is.</summary>
    public static EvalResult AddDigitMetrics(IRunnerConsole console, EvalResult result, Accelerator acc,
        RunConfig config, string dir, FidReference reference, int samples, bool silent)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(reference);
        string task = $"digit-FID on {samples} generated images";
        var withFid = console.WithProgress(silent, task,
            progress => DigitEvaluation.Add(result, acc, config, dir, reference, samples, progress));
        if (!silent)
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"digit-FID: Frechet distance of our {config.Dataset} classifier's features " +
                $"(test accuracy {reference.Classifier.TestAccuracy:P2}), generated vs test images; the " +
                $"floor is test vs training images. It is VaeGpu's own yardstick, comparable only with " +
                $"itself."));
        if (!silent && DroppedMode(withFid, config.Dataset) is { } dropped)
            console.Out.WriteLine("note: " + dropped);
        return withFid;
    }

    /// <summary>Below this generated / test share, a class counts as a dropped mode.</summary>
    public const double DroppedModeRatio = 0.25;

    /// <summary>What an evaluation says of a dropped mode (its rarest class under
    /// <see cref="DroppedModeRatio"/>), or null when the classes come out in proportion.</summary>
    public static string? DroppedMode(EvalResult r, string dataset)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.RarestClass is not { } rarest || r.RarestClassRatio is not { } ratio
            || ratio >= DroppedModeRatio) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"the samples show {DatasetCatalog.ClassName(dataset, rarest)} at {ratio:0.00}x its share of " +
            $"the test set: a dropped mode, which raises the FID however sharp each sample is");
    }
}
