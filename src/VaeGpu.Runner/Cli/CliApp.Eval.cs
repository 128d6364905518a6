// The eval sub-command: test loss (negative ELBO) of a run folder's checkpoint, the importance-sampled
// bound on -log p(x) with K samples, and, when the dataset's digit classifier exists, the digit-FID with
// its floor and a CVAE's conditional accuracy. Progress bars on a terminal, plain percent lines when
// redirected, nothing with --quiet. The numbers also go to RUN/eval.json.
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Cli;

public sealed partial class CliApp
{
    private Command EvalCommand()
    {
        var run = new Option<string>("--run") { Description = "Run folder with model.safetensors",
            Required = true };
        var samples = new Option<int>("--importance-samples")
        {
            Description = "K samples per image for the log-likelihood bound (5000 for publication-grade " +
                "numbers)",
            DefaultValueFactory = _ => 100,
        };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder with the dataset files" };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the result line" };
        var fidSamples = FidSamplesOption();
        var classifierDir = new Option<string?>("--classifier")
        { Description = "Digit classifier folder (default: where `classifier --dataset D` saves it)" };
        var accelerator = AcceleratorOption();
        var command = new Command("eval",
            "Test loss of a trained model and the importance-sampled bound on -log p(x); writes " +
            "RUN/eval.json")
            { run, samples, fidSamples, classifierDir, dataDir, quiet, accelerator };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(run)!;
            int k = parse.GetValue(samples);
            bool silent = parse.GetValue(quiet);
            Evaluator.CheckImportanceSamples(k);
            int fid = CheckFidSamples(parse.GetValue(fidSamples));
            var config = RunConfig.Load(Path.Combine(dir, Checkpoint.ConfigFile));
            using var acc = ModelFactory.CreateAccelerator(parse.GetValue(accelerator)!, 0, 0);
            var dataset = LoadDataset(config.Dataset, parse.GetValue(dataDir), silent);
            bool bound = Evaluator.HasBound(config);
            string task = $"eval K={k} on {dataset.Test.Count} images";
            var result = WithEvalProgress(silent || !bound, task,
                progress => Evaluator.Run(acc, config, dir, dataset, k, progress));
            if (fid > 0)
            {
                string folder = parse.GetValue(classifierDir)
                    ?? DigitClassifier.DefaultFolder(config.Dataset);
                using var classifier = DigitClassifier.TryLoad(acc, folder);
                if (classifier is null)
                {
                    if (!silent)
                        _out.WriteLine($"note: no digit-FID: no {config.Dataset} digit classifier in " +
                            $"{folder}; train one with " +
                            $"`VaeGpu.Runner classifier --dataset {config.Dataset}`");
                }
                else
                {
                    result = AddDigitMetrics(result, acc, config, dir,
                        DigitMetrics.Reference(classifier, dataset), fid, silent);
                }
            }
            Evaluator.Save(dir, result);
            if (!silent)
            {
                if (!bound)
                    _out.WriteLine("note: no log-likelihood bound: it needs a vae or cvae with " +
                        $"--recon bce, and this run has --model {config.Model} --recon {config.Recon}");
                _out.WriteLine($"wrote {Path.Combine(dir, Evaluator.FileName)}");
            }
            _out.WriteLine(ResultLine(result));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string ResultLine(EvalResult r)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"test_loss={r.TestLoss:F4} test_recon={r.TestRecon:F4} test_kl={r.TestKl:F4}");
        if (r.NllBound is { } nll)
            line += string.Create(CultureInfo.InvariantCulture,
                $" nll_bound_k{r.ImportanceSamples}={nll:F4}");
        if (r.DigitFid is { } fid)
            line += string.Create(CultureInfo.InvariantCulture,
                $" digit_fid={fid:F3} fid_floor={r.FidFloor:F3}");
        if (r.ConditionalAccuracy is { } accuracy)
            line += string.Create(CultureInfo.InvariantCulture, $" conditional_accuracy={accuracy:F4}");
        return line + string.Create(CultureInfo.InvariantCulture,
            $" images={r.Images} seconds={r.Seconds:F2}");
    }

    private static Option<int> FidSamplesOption() => new("--fid-samples")
    {
        Description = "Generated images for the digit-FID and CVAE accuracy (0 = skip both)",
        DefaultValueFactory = _ => DigitEvaluation.DefaultSamples,
    };

    private static int CheckFidSamples(int n) => n == 0 || n is >= 2 and <= 100_000
        ? n
        : throw new UserErrorException($"--fid-samples: expected 0 (skip) or 2 to 100000 images, got {n}");

    /// <summary>Adds digit-FID and conditional accuracy with a progress bar, and says what the FID
    /// is.</summary>
    private EvalResult AddDigitMetrics(EvalResult result, Accelerator acc, RunConfig config, string dir,
        FidReference reference, int samples, bool silent)
    {
        string task = $"digit-FID on {samples} generated images";
        var withFid = WithEvalProgress(silent, task,
            progress => DigitEvaluation.Add(result, acc, config, dir, reference, samples, progress));
        var classifier = reference.Classifier;
        if (!silent)
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"digit-FID: Frechet distance of our {config.Dataset} classifier's features " +
                $"(test accuracy {classifier.TestAccuracy:P2}), generated vs test images; the floor " +
                $"is test vs training images. It is VaeGpu's own yardstick, comparable only with itself."));
        return withFid;
    }

    /// <summary>Runs <paramref name="work"/> with a Spectre bar on a terminal, a line per 10% otherwise,
    /// and nothing when <paramref name="silent"/>.</summary>
    private T WithEvalProgress<T>(bool silent, string task, Func<IProgress<double>?, T> work)
    {
        if (silent) return work(null);
        if (_style != ProgressStyle.Bars)
        {
            int lastTenth = 0;
            return work(new SyncProgress<double>(fraction =>
            {
                int tenth = (int)Math.Floor(fraction * 10);
                if (tenth <= lastTenth) return;
                lastTenth = tenth;
                _out.WriteLine($"{task}: {tenth * 10}%");
            }));
        }
        return AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(),
                new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(context =>
            {
                var bar = context.AddTask(task, maxValue: 1);
                var result = work(new SyncProgress<double>(fraction => bar.Value = Math.Min(fraction, 1)));
                bar.Value = 1;
                return result;
            });
    }
}
