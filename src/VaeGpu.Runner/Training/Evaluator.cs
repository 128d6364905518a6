// Evaluation of a trained run folder, callable in-process (the eval command and sweeps): the test loss
// with the training batch and the last epoch's eps stream (so it reproduces metrics.csv), then the
// importance-sampled bound on -log p(x) with a larger eval batch, and RUN/eval.json holding the numbers.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>The measured numbers of one evaluation, as stored in eval.json.</summary>
public sealed record EvalResult
{
    /// <summary>Test loss per image: recon + beta KL (the negative ELBO when beta = 1).</summary>
    public double TestLoss { get; init; }
    /// <summary>Reconstruction part of the test loss per image.</summary>
    public double TestRecon { get; init; }
    /// <summary>KL part of the test loss per image (0 for an ae).</summary>
    public double TestKl { get; init; }
    /// <summary>Test images evaluated.</summary>
    public int Images { get; init; }
    /// <summary>Epochs the evaluated checkpoint had completed.</summary>
    public int Epoch { get; init; }
    /// <summary>K of the bound (0 when no bound was computed).</summary>
    public int ImportanceSamples { get; init; }
    /// <summary>Mean K-sample estimate of -log p(x), nats per image (null for an ae or mse model).</summary>
    public double? NllBound { get; init; }
    /// <summary>Wall-clock seconds of the evaluation (model load to bound).</summary>
    public double Seconds { get; init; }
    /// <summary>FID of samples against the test digits (filled by other tools).</summary>
    public double? DigitFid { get; init; }
    /// <summary>FID of the test set against the training set, the floor of DigitFid.</summary>
    public double? FidFloor { get; init; }
    /// <summary>Share of a cvae's class samples that a classifier assigns to their class.</summary>
    public double? ConditionalAccuracy { get; init; }
    /// <summary>The classifier's accuracy on the test set.</summary>
    public double? ClassifierAccuracy { get; init; }
    /// <summary>digit-KID (unbiased MMD^2, cubic kernel, classifier features): mean over subsets.</summary>
    public double? DigitKid { get; init; }
    /// <summary>Standard deviation of the digit-KID over its subsets.</summary>
    public double? DigitKidStd { get; init; }
    /// <summary>digit-KID of the training slice against the test set, the floor of DigitKid.</summary>
    public double? KidFloor { get; init; }
    /// <summary>Share of the generated images the classifier puts in each class.</summary>
    public double[]? ClassShares { get; init; }
    /// <summary>Share of the test images the classifier puts in each class.</summary>
    public double[]? TestClassShares { get; init; }
    /// <summary>The class whose generated share falls furthest below its test share.</summary>
    public int? RarestClass { get; init; }
    /// <summary>That class's generated share over its test share (near 0: a dropped mode).</summary>
    public double? RarestClassRatio { get; init; }
}

/// <summary>Evaluates a run folder and reads and writes its eval.json.</summary>
public static class Evaluator
{
    /// <summary>The file inside a run folder.</summary>
    public const string FileName = "eval.json";

    /// <summary>Images per chunk of the bound: on the cpu backend 250 to 2000 cost the same CPU time;
    /// 1000 gives a GPU larger GEMMs and fewer syncs for a few MB of buffers.</summary>
    public const int BoundChunk = 1000;

    /// <summary>The largest K accepted.</summary>
    public const int MaxImportanceSamples = 100_000;

    private static readonly JsonSerializerOptions Json = new(RunConfig.Json)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // a diverged model's NaN
    };

    /// <summary>Throws a user error unless 1 &lt;= <paramref name="k"/> &lt;= 100000.</summary>
    public static void CheckImportanceSamples(int k)
    {
        if (k < 1 || k > MaxImportanceSamples)
            throw new UserErrorException(
                $"--importance-samples: expected 1 to {MaxImportanceSamples} samples per image, got {k}");
    }

    /// <summary>True when the bound applies to the run: a vae or cvae with a Bernoulli likelihood.</summary>
    public static bool HasBound(RunConfig config) =>
        !config.IsAutoencoder && !config.IsGan && config.Recon == ReconstructionLoss.Bce;

    /// <summary>Test loss and, where it applies, the K-sample bound of the run folder's checkpoint;
    /// <paramref name="progress"/> gets the fraction of the bound done. A GAN has neither (no likelihood):
    /// its result holds the checkpoint's epoch, for the digit metrics to join.</summary>
    public static EvalResult Run(Accelerator acc, RunConfig config, string runDir, Dataset dataset,
        int importanceSamples, IProgress<double>? progress)
    {
        ArgumentNullException.ThrowIfNull(acc);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataset);
        CheckImportanceSamples(importanceSamples);
        if (dataset.Test.ImageSize != config.InputDim)
            throw new UserErrorException(
                $"{config.Dataset} test images have {dataset.Test.ImageSize} pixels, " +
                $"the model in {runDir} expects {config.InputDim}");
        var clock = Stopwatch.StartNew();
        if (config.IsGan)
        {
            using var gan = ModelFactory.CreateGan(acc, config, 1);
            int ganEpoch = Checkpoint.Load(runDir, gan, withOptimizer: false);
            progress?.Report(1.0);
            return new EvalResult { Epoch = ganEpoch, Seconds = clock.Elapsed.TotalSeconds };
        }
        // The training run's test pass used batches of min(batch size, training images): the same here.
        int trainCount = Math.Min(config.Limit ?? dataset.Train.Count, dataset.Train.Count);
        int lossBatch = Math.Max(Math.Min(config.BatchSize, trainCount), 1);
        bool bound = HasBound(config);
        int classes = config.IsConditional ? config.Classes : 0;
        using var test = new DeviceSplit(acc, dataset.Test, dataset.Test.Count,
            Math.Max(lossBatch, BoundChunk), classes);
        using var lossModel = ModelFactory.CreateModel(acc, config, lossBatch);
        int epoch = Checkpoint.Load(runDir, lossModel, withOptimizer: false);
        var totals = Trainer.Evaluate(lossModel, test, epoch);
        double beta = lossModel.Config.FinalKlWeight;
        double? nll = null;
        if (bound)
        {
            using var boundModel = ModelFactory.CreateModel(acc, config, Math.Min(BoundChunk, test.Count));
            var values = new float[lossModel.Parameters.Count];
            lossModel.Parameters.ReadValues(values);
            boundModel.Parameters.WriteValues(values);
            nll = ImportanceSampling.NegativeLogLikelihood(boundModel, test, importanceSamples, progress);
        }
        else
        {
            progress?.Report(1.0);
        }
        return new EvalResult
        {
            TestLoss = totals.Total(beta), TestRecon = totals.Recon, TestKl = totals.Kl,
            Images = (int)totals.Count, Epoch = epoch, ImportanceSamples = bound ? importanceSamples : 0,
            NllBound = nll, Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Writes RUN/eval.json atomically (snake_case keys, invariant numbers) and rebuilds the
    /// run's report.html to show it.</summary>
    public static void Save(string runDir, EvalResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        AtomicFile.WriteAllText(Path.Combine(runDir, FileName), JsonSerializer.Serialize(r, Json) + "\n");
        ReportHtml.Refresh(runDir);
    }

    /// <summary>Reads RUN/eval.json, or returns null when the run has none; a corrupt file is a user
    /// error.</summary>
    public static EvalResult? TryLoad(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<EvalResult>(File.ReadAllText(path), Json)
                ?? throw new UserErrorException($"{path}: empty eval.json");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{path}: not a valid VaeGpu eval.json ({e.Message})");
        }
    }
}
