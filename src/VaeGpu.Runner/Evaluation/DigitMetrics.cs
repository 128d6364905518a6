// Sample-quality numbers of a trained model, measured with a DigitClassifier: the digit-FID (Frechet
// distance between the classifier's features of generated images and of the test set, beside the
// test-vs-train floor) and a CVAE's conditional accuracy. Both are our own yardstick, comparable only
// with themselves (same classifier, same dataset), not with published FIDs on Inception features.
// Generation runs in chunks of the model's MaxBatch with every buffer allocated once per call.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Evaluation;

/// <summary>A digit-FID and its floor (test set vs an equally sized slice of the training set).</summary>
public sealed record DigitFidResult(double Fid, double Floor, int Count, double Seconds);

/// <summary>
/// What every digit-FID of one classifier and dataset compares against: the test set's feature
/// Gaussian, its square root, and the floor. It depends on no model, so a sweep computes it once.
/// </summary>
public sealed record FidReference(DigitClassifier Classifier, string Dataset, GaussianStats Test,
    double[] TestRoot, double Floor);

/// <summary>Digit-FID and conditional accuracy of a model, judged by a digit classifier.</summary>
public static class DigitMetrics
{
    /// <summary>First Sample-stream counter of the FID's latent draws (pictures use 0 and 1).</summary>
    public const long FidCounter = 1L << 40;

    /// <summary>First Sample-stream counter of the conditional-accuracy draws.</summary>
    public const long AccuracyCounter = 2L << 40;

    /// <summary>
    /// Decodes <paramref name="count"/> draws z ~ N(0, I) (a CVAE cycles through the classes), and returns
    /// the Frechet distance of their features to the test set's, and the test-vs-train floor.
    /// </summary>
    public static DigitFidResult DigitFid(VaeModel model, DigitClassifier classifier, Dataset dataset,
        int count = 10_000, long counter = FidCounter, IProgress<int>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var reference = Reference(classifier, dataset);
        var result = DigitFid(model, reference, count, counter, progress);
        return result with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>The same against a reference computed before (see <see cref="Reference"/>).</summary>
    public static DigitFidResult DigitFid(VaeModel model, FidReference reference, int count = 10_000,
        long counter = FidCounter, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var classifier = reference.Classifier;
        Check(model, classifier);
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count),
            $"a FID needs >= 2 samples, got {count}");
        var clock = Stopwatch.StartNew();
        var generated = new GaussianAccumulator(classifier.FeatureDim);
        var features = new float[model.MaxBatch * classifier.FeatureDim]; // (MaxBatch, F)
        Generate(model, count, counter, (images, start, rows) =>
        {
            classifier.Features(images, rows, features);
            generated.Add(features, rows);
            progress?.Report(start + rows);
        });
        double fid = FrechetDistance.Compute(reference.Test, reference.TestRoot, generated.ToStats());
        return new DigitFidResult(fid, reference.Floor, count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The test set's feature Gaussian and root, and the floor: the distance to the features of
    /// an equally sized slice of the training set.</summary>
    public static FidReference Reference(DigitClassifier classifier, Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Name != classifier.Dataset || dataset.Test.ImageSize != classifier.InputDim)
            throw new UserErrorException($"the classifier was trained on {classifier.Dataset}, " +
                $"the images to compare with are {dataset.Name}");
        var test = SplitStats(classifier, dataset.Test, dataset.Test.Count);
        var train = SplitStats(classifier, dataset.Train, Math.Min(dataset.Test.Count, dataset.Train.Count));
        var testRoot = FrechetDistance.SquareRoot(test.Covariance, test.Dim); // shared by every distance
        double floor = FrechetDistance.Compute(test, testRoot, train);
        return new FidReference(classifier, dataset.Name, test, testRoot, floor);
    }

    /// <summary>
    /// The share of a CVAE's class-conditional samples (<paramref name="perClass"/> per class) that the
    /// classifier labels as the class asked for.
    /// </summary>
    public static double ConditionalAccuracy(VaeModel model, DigitClassifier classifier, int perClass = 1000,
        long counter = AccuracyCounter, IProgress<int>? progress = null)
    {
        Check(model, classifier);
        if (model.Config.Kind != ModelKind.Cvae)
            throw new InvalidOperationException(
                $"conditional accuracy needs a cvae, not a {model.Config.Kind}");
        if (perClass <= 0) throw new ArgumentOutOfRangeException(nameof(perClass),
            $"must be positive, got {perClass}");
        int classes = model.Config.Classes;
        var predicted = new int[model.MaxBatch];
        long correct = 0;
        Generate(model, checked(perClass * classes), counter, (images, start, rows) =>
        {
            classifier.Predict(images, rows, predicted);
            for (int row = 0; row < rows; row++) if (predicted[row] == (start + row) % classes) correct++;
            progress?.Report(start + rows);
        });
        return (double)correct / (perClass * classes);
    }

    /// <summary>
    /// Decodes count images in chunks of MaxBatch: chunk k draws z from Sample stream counter + k, and a
    /// CVAE's image i asks for class i mod Classes. Calls use(images on the device, first index, rows).
    /// </summary>
    private static void Generate(VaeModel model, int count, long counter,
        Action<BufferView<float>, int, int> use)
    {
        var acc = model.Accelerator;
        int l = model.Config.Latent, c = model.Config.Classes, batch = model.MaxBatch;
        bool conditional = model.Config.Kind == ModelKind.Cvae;
        using var z = acc.Allocate<float>(batch * l);                        // (MaxBatch, L)
        using var labels = conditional ? acc.Allocate<float>(batch * c) : null; // (MaxBatch, C)
        var oneHot = new float[conditional ? batch * c : 0];                // host staging of labels
        for (int start = 0, chunk = 0; start < count; start += batch, chunk++)
        {
            int rows = Math.Min(batch, count - start);
            model.SampleLatent(z.View, rows, counter + chunk);
            if (labels is not null)
            {
                Array.Clear(oneHot);
                for (int row = 0; row < rows; row++) oneHot[row * c + (start + row) % c] = 1;
                acc.CopyFromHost<float>(oneHot.AsSpan(0, rows * c), labels.Slice(0, rows * c));
            }
            var images = model.Decode(z.View, labels?.View ?? default, rows); // (rows, D) sigmoid
            use(images.View, start, rows);
        }
    }

    /// <summary>The Gaussian of the classifier's features of the first n images of a split.</summary>
    public static GaussianStats SplitStats(DigitClassifier classifier, DataSplit split, int n)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var accumulator = new GaussianAccumulator(classifier.FeatureDim);
        var features = new float[DigitClassifier.MaxBatch * classifier.FeatureDim];
        for (int start = 0; start < n; start += DigitClassifier.MaxBatch)
        {
            int rows = Math.Min(DigitClassifier.MaxBatch, n - start);
            classifier.Features(split, start, rows, features);
            accumulator.Add(features, rows);
        }
        return accumulator.ToStats();
    }

    private static void Check(VaeModel model, DigitClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classifier);
        if (model.Config.InputDim != classifier.InputDim)
            throw new UserErrorException(
                $"the {classifier.Dataset} classifier takes {classifier.InputDim}-pixel " +
                $"images, the model makes {model.Config.InputDim}-pixel ones");
        if (model.Config.Kind == ModelKind.Cvae && model.Config.Classes > classifier.Classes)
            throw new UserErrorException($"the model has {model.Config.Classes} classes, the classifier " +
                $"{classifier.Classes}");
        if (model.Accelerator != classifier.Accelerator)
            throw new ArgumentException("the model and the classifier must run on the same accelerator");
    }
}
