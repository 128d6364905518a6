// Sample-quality numbers of a trained model, measured with a DigitClassifier: the digit-FID (Frechet
// distance between the classifier's features of generated images and of the test set, beside the
// test-vs-train floor), the classes of the generated images (dropped modes show there) and a CVAE's
// conditional accuracy. They are our own yardsticks, comparable only with themselves (same classifier,
// same dataset), not with published FIDs on Inception features.
// Generation runs in chunks of the model's MaxBatch with every buffer allocated once per call.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Evaluation;

/// <summary>A digit-FID and its floor (test set vs an equally sized slice of the training set), and the
/// digit-KID with its floor measured the same way.</summary>
public sealed record DigitFidResult(double Fid, double Floor, int Count, double Seconds)
{
    /// <summary>digit-KID of the generated images against the test set.</summary>
    public KidResult? Kid { get; init; }

    /// <summary>digit-KID of the training slice against the test set: the KID's floor.</summary>
    public KidResult? KidFloor { get; init; }

    /// <summary>The share of the generated images the classifier puts in each class (sum 1).</summary>
    public double[] ClassShares { get; init; } = [];
}

/// <summary>
/// What every digit-FID of one classifier and dataset compares against: the test set's feature
/// Gaussian, its square root, and the floor. It depends on no model, so a sweep computes it once.
/// </summary>
public sealed record FidReference(DigitClassifier Classifier, string Dataset, GaussianStats Test,
    double[] TestRoot, double Floor)
{
    /// <summary>The test set's features (rows, FeatureDim), the KID's real sample.</summary>
    public float[] TestFeatures { get; init; } = [];

    /// <summary>KID of the training slice against the test set.</summary>
    public KidResult? KidFloor { get; init; }

    /// <summary>The share of the test images the classifier puts in each class: what a model that
    /// drops no modes matches.</summary>
    public double[] TestClassShares { get; init; } = [];
}

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
        Check(model, reference.Classifier);
        using var source = new ImageSource(model);
        return Measure(source, reference, count, counter, progress);
    }

    /// <summary>The digit-FID and digit-KID of a GAN's draws (noise uniform in [-1, 1]).</summary>
    public static DigitFidResult DigitFid(GanModel model, FidReference reference, int count = 10_000,
        long counter = FidCounter, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(reference);
        CheckSizes(model.Config.InputDim, model.Config.IsConditional ? model.Config.Classes : 0,
            model.Accelerator, reference.Classifier);
        using var source = new ImageSource(model);
        return Measure(source, reference, count, counter, progress);
    }

    /// <summary>The class shares of <paramref name="count"/> draws of an unconditional GAN, as the classifier
    /// labels them: noise from <paramref name="counter"/> on, <paramref name="drawRows"/> rows a draw (eval's
    /// <see cref="DigitEvaluation.GenerateChunk"/> and <see cref="FidCounter"/> give its digit-FID's images,
    /// whatever the model's MaxBatch).</summary>
    public static double[] ClassShares(GanModel model, DigitClassifier classifier, int count, long counter,
        int drawRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (model.Config.IsConditional)
            throw new InvalidOperationException("a cgan's classes are the labels it is given");
        CheckSizes(model.Config.InputDim, 0, model.Accelerator, classifier);
        using var source = new ImageSource(model, drawRows);
        var tally = new ClassTally(classifier.Classes);
        var predicted = new int[source.MaxBatch];
        source.Generate(count, counter, (images, _, rows) =>
        {
            classifier.Predict(images, rows, predicted);
            tally.Add(predicted.AsSpan(0, rows));
        });
        return tally.Shares();
    }

    /// <summary>The share of a cgan's class-conditional draws the classifier labels as asked.</summary>
    public static double ConditionalAccuracy(GanModel model, DigitClassifier classifier, int perClass = 1000,
        long counter = AccuracyCounter, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classifier);
        if (!model.Config.IsConditional)
            throw new InvalidOperationException(
                $"conditional accuracy needs a cgan, not a {model.Config.Kind}");
        CheckSizes(model.Config.InputDim, model.Config.Classes, model.Accelerator, classifier);
        using var source = new ImageSource(model);
        return Accuracy(source, classifier, perClass, counter, progress);
    }

    private static DigitFidResult Measure(ImageSource source, FidReference reference, int count, long counter,
        IProgress<int>? progress)
    {
        var classifier = reference.Classifier;
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count),
            $"a FID needs >= 2 samples, got {count}");
        var clock = Stopwatch.StartNew();
        int f = classifier.FeatureDim;
        var generated = new GaussianAccumulator(f);
        var all = new float[(long)count * f];                              // (count, F) for the KID
        var features = new float[source.MaxBatch * f];                     // (MaxBatch, F)
        var predicted = new int[source.MaxBatch];
        var tally = new ClassTally(classifier.Classes);
        source.Generate(count, counter, (images, start, rows) =>
        {
            classifier.Features(images, rows, features, predicted);
            tally.Add(predicted.AsSpan(0, rows));
            generated.Add(features, rows);
            features.AsSpan(0, rows * f).CopyTo(all.AsSpan(start * f));
            progress?.Report(start + rows);
        });
        double fid = FrechetDistance.Compute(reference.Test, reference.TestRoot, generated.ToStats());
        int testRows = reference.TestFeatures.Length / f;
        var kid = testRows >= 2
            ? KernelDistance.Compute(all, count, reference.TestFeatures, testRows, f) : null;
        return new DigitFidResult(fid, reference.Floor, count, clock.Elapsed.TotalSeconds)
        {
            Kid = kid, KidFloor = reference.KidFloor,
            ClassShares = tally.Shares(),
        };
    }

    /// <summary>
    /// The class the generated images under-represent most against the test set, and by how much: the
    /// smallest generated share / test share over the classes the test set has (1 for a model whose
    /// classes come out as often as the test set's, near 0 for one that has dropped that class).
    /// </summary>
    public static (int Class, double Ratio) RarestClass(IReadOnlyList<double> generated,
        IReadOnlyList<double> test)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(test);
        if (generated.Count != test.Count || test.Count == 0)
            throw new ArgumentException($"{generated.Count} generated and {test.Count} test class shares");
        (int Class, double Ratio) rarest = (-1, double.PositiveInfinity);
        for (int c = 0; c < test.Count; c++)
            if (test[c] > 0 && generated[c] / test[c] < rarest.Ratio) rarest = (c, generated[c] / test[c]);
        if (rarest.Class < 0) throw new ArgumentException("the test class shares are all zero");
        return rarest;
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
        int f = classifier.FeatureDim, testRows = dataset.Test.Count;
        int trainRows = Math.Min(dataset.Test.Count, dataset.Train.Count);
        var testFeatures = SplitFeatures(classifier, dataset.Test, testRows);
        var trainFeatures = SplitFeatures(classifier, dataset.Train, trainRows);
        var test = Stats(testFeatures, testRows, f);
        var train = Stats(trainFeatures, trainRows, f);
        var testRoot = FrechetDistance.SquareRoot(test.Covariance, test.Dim); // shared by every distance
        double floor = FrechetDistance.Compute(test, testRoot, train);
        var kidFloor = testRows >= 2 && trainRows >= 2
            ? KernelDistance.Compute(trainFeatures, trainRows, testFeatures, testRows, f) : null;
        return new FidReference(classifier, dataset.Name, test, testRoot, floor)
        {
            TestFeatures = testFeatures, KidFloor = kidFloor,
            TestClassShares = classifier.ClassShares(dataset.Test),
        };
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
        using var source = new ImageSource(model);
        return Accuracy(source, classifier, perClass, counter, progress);
    }

    private static double Accuracy(ImageSource source, DigitClassifier classifier, int perClass, long counter,
        IProgress<int>? progress)
    {
        if (perClass <= 0) throw new ArgumentOutOfRangeException(nameof(perClass),
            $"must be positive, got {perClass}");
        int classes = source.Classes;
        var predicted = new int[source.MaxBatch];
        long correct = 0;
        source.Generate(checked(perClass * classes), counter, (images, start, rows) =>
        {
            classifier.Predict(images, rows, predicted);
            for (int row = 0; row < rows; row++) if (predicted[row] == (start + row) % classes) correct++;
            progress?.Report(start + rows);
        });
        return (double)correct / (perClass * classes);
    }

    /// <summary>The classifier's features (n, FeatureDim) of the first n images of a split.</summary>
    public static float[] SplitFeatures(DigitClassifier classifier, DataSplit split, int n)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        int f = classifier.FeatureDim;
        var all = new float[(long)n * f];
        for (int start = 0; start < n; start += DigitClassifier.MaxBatch)
        {
            int rows = Math.Min(DigitClassifier.MaxBatch, n - start);
            classifier.Features(split, start, rows, all.AsSpan(start * f, rows * f));
        }
        return all;
    }

    private static GaussianStats Stats(float[] features, int n, int f)
    {
        var accumulator = new GaussianAccumulator(f);
        accumulator.Add(features.AsSpan(0, n * f), n);
        return accumulator.ToStats();
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
        CheckSizes(model.Config.InputDim, model.Config.Kind == ModelKind.Cvae ? model.Config.Classes : 0,
            model.Accelerator, classifier);
    }

    private static void CheckSizes(int inputDim, int classes, Accelerator accelerator,
        DigitClassifier classifier)
    {
        if (inputDim != classifier.InputDim)
            throw new UserErrorException(
                $"the {classifier.Dataset} classifier takes {classifier.InputDim}-pixel " +
                $"images, the model makes {inputDim}-pixel ones");
        if (classes > classifier.Classes)
            throw new UserErrorException($"the model has {classes} classes, the classifier " +
                $"{classifier.Classes}");
        if (accelerator != classifier.Accelerator)
            throw new ArgumentException("the model and the classifier must run on the same accelerator");
    }
}
