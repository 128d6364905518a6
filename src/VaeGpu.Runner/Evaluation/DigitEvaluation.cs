// Adds the classifier-judged numbers to a run's evaluation: the digit-FID and digit-KID of the
// checkpoint's samples (VAE or GAN) beside their test-vs-train floors, the samples' classes against the
// test set's (the rarest one shows a dropped mode), and for a CVAE or cGAN the
// share of class-conditional samples the classifier labels as the asked digit. Used by `eval` and by
// `sweep`; the console side stays in the CLI.
using VaeGpu.Kernels;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Evaluation;

/// <summary>Digit-FID and conditional accuracy of a run folder's checkpoint.</summary>
public static class DigitEvaluation
{
    /// <summary>Images decoded per chunk. Each chunk draws from its own counter, so this is part of the
    /// numbers: changing it changes which z each image gets.</summary>
    public const int GenerateChunk = 500;

    /// <summary>The default number of generated images per digit-FID.</summary>
    public const int DefaultSamples = 10_000;

    /// <summary>
    /// <paramref name="result"/> with DigitFid, FidFloor, ClassifierAccuracy and (cvae) ConditionalAccuracy
    /// filled in from <paramref name="samples"/> generated images, judged by the reference's classifier;
    /// <paramref name="progress"/> gets the fraction done.
    /// </summary>
    public static EvalResult Add(EvalResult result, Accelerator acc, RunConfig config, string runDir,
        FidReference reference, int samples, IProgress<double>? progress)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(reference);
        var classifier = reference.Classifier;
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), $"need >= 2, got {samples}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int perClass = Math.Max(1, samples / config.Classes);
        double total = samples + (config.IsConditional ? perClass * config.Classes : 0);
        var relay = progress is null ? null : new Relay(done => progress.Report(done / total));
        // The accuracy's images continue the fraction where the FID's ended (issue 19 item 11: a cvae's
        // progress jumped from 50% to 100%).
        var accuracyRelay = progress is null ? null
            : new Relay(done => progress.Report((samples + done) / total));
        DigitFidResult fid;
        double? accuracy = null;
        if (config.IsGan)
        {
            using var gan = ModelFactory.CreateGan(acc, config, GenerateChunk);
            Checkpoint.Load(runDir, gan, withOptimizer: false);
            fid = DigitMetrics.DigitFid(gan, reference, samples, progress: relay);
            if (config.IsConditional)
                accuracy = DigitMetrics.ConditionalAccuracy(gan, classifier, perClass,
                    progress: accuracyRelay);
        }
        else
        {
            using var model = ModelFactory.CreateModel(acc, config, GenerateChunk);
            Checkpoint.Load(runDir, model, withOptimizer: false);
            fid = DigitMetrics.DigitFid(model, reference, samples, progress: relay);
            if (config.IsConditional)
                accuracy = DigitMetrics.ConditionalAccuracy(model, classifier, perClass,
                    progress: accuracyRelay);
        }
        progress?.Report(1.0);
        var rarest = DigitMetrics.RarestClass(fid.ClassShares, reference.TestClassShares);
        return result with
        {
            ClassShares = fid.ClassShares, TestClassShares = reference.TestClassShares,
            RarestClass = rarest.Class, RarestClassRatio = rarest.Ratio,
            DigitFid = fid.Fid, FidFloor = fid.Floor, ConditionalAccuracy = accuracy,
            ClassifierAccuracy = classifier.TestAccuracy, DigitKid = fid.Kid?.Mean,
            DigitKidStd = fid.Kid?.Std, KidFloor = fid.KidFloor?.Mean,
            Seconds = result.Seconds + clock.Elapsed.TotalSeconds,
        };
    }

    private sealed class Relay(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
