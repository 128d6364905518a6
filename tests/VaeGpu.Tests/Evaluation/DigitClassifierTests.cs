// The digit classifier: the softmax cross-entropy gradient against float64 finite differences, a
// briefly trained USPS classifier's accuracy (>= 90%), bit-reproducible training, the saved files'
// round trip and their corruption errors, and the `classifier` command's output and user errors.
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Runner;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Evaluation;

[Collection("usps-classifier")]
public sealed class DigitClassifierTests(UspsClassifierFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 10)]
    [InlineData(7, 10)]
    public void SoftmaxCrossEntropyGradientMatchesFloat64FiniteDifferences(int rows, int classes)
    {
        var random = new TestRandom(output);
        var logits = random.Uniform(rows * classes, -6f, 6f);
        var labels = random.Ints(rows, classes);
        var grad = new float[rows * classes];
        double loss = SoftmaxCrossEntropy.LossAndGradient(logits, labels, rows, classes, grad, 1f / rows);
        var z = logits.Select(v => (double)v).ToArray();
        double MeanLoss(double[] x)
        {
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += Math.Exp(x[r * classes + c]);
                total += Math.Log(sum) - x[r * classes + labels[r]];
            }
            return total / rows;
        }
        Assert.True(Math.Abs(loss / rows - MeanLoss(z)) <= 1e-6 * (1 + MeanLoss(z)),
            $"loss {loss / rows:G9} vs float64 {MeanLoss(z):G17} (seed {random.Seed})");
        var expected = new double[z.Length];
        const double h = 1e-5;
        for (int i = 0; i < z.Length; i++)
        {
            double keep = z[i];
            z[i] = keep + h; double up = MeanLoss(z);
            z[i] = keep - h; double down = MeanLoss(z);
            z[i] = keep;
            expected[i] = (up - down) / (2 * h);
        }
        NumericAssert.Close(grad, expected, new Tolerance(1e-6, 1e-4), "dL/dlogits", random.Seed);
        // In place (the classifier's use) gives the same gradient.
        var inPlace = (float[])logits.Clone();
        SoftmaxCrossEntropy.LossAndGradient(inPlace, labels, rows, classes, inPlace, 1f / rows);
        Assert.Equal(grad, inPlace);
    }

    [DataFact("usps")]
    public void BrieflyTrainedUspsClassifierIsAccurate()
    {
        var classifier = fixture.Classifier;
        output.WriteLine($"USPS, {UspsClassifierFixture.Epochs} epochs: " +
            $"test accuracy {classifier.TestAccuracy:F4}, " +
            $"{classifier.Info.Seconds} s");
        Assert.True(classifier.TestAccuracy >= 0.90, $"test accuracy {classifier.TestAccuracy:F4} < 0.90");
        Assert.Equal(classifier.TestAccuracy, classifier.Accuracy(TestData.Usps.Test));
        Assert.Equal(256, classifier.FeatureDim);
        // Predict on device images agrees with Accuracy's host path, image by image.
        var test = TestData.Usps.Test;
        int n = 300;
        using var images = fixture.Accelerator.Upload<float>(test.Images.AsSpan(0, n * 256).ToArray()
            .Select(b => b / 255f).ToArray());
        var predicted = new int[n];
        classifier.Predict(images.View, n, predicted);
        int correct = Enumerable.Range(0, n).Count(i => predicted[i] == test.Labels[i]);
        Assert.True(correct >= 0.85 * n, $"{correct} of {n} first test images right");
        // The classes that come with the features (one pass, the logits layer on the features) are
        // Predict's, and ClassShares counts Predict's classes over a whole split.
        var features = new float[n * classifier.FeatureDim];
        var withFeatures = new int[n];
        classifier.Features(images.View, n, features, withFeatures);
        Assert.Equal(predicted, withFeatures);
        var firstRows = test with { Count = n };
        var shares = classifier.ClassShares(firstRows);
        Assert.Equal(classifier.Classes, shares.Length);
        for (int c = 0; c < shares.Length; c++)
            Assert.Equal(predicted.Count(p => p == c) / (double)n, shares[c], 12);
    }

    [DataFact("usps")]
    public void TrainingIsReproducibleBitForBit()
    {
        var usps = TestData.Usps;
        var small = new Dataset("usps", usps.Train with { Count = 700 }, usps.Test with { Count = 300 });
        var settings = new ClassifierSettings { Epochs = 2, Hidden = [32, 16], Seed = 9 };
        float[] Weights()
        {
            using var classifier = DigitClassifier.Train(fixture.Accelerator, small, settings, null, default);
            var values = new float[classifier.Parameters.Count];
            classifier.Parameters.ReadValues(values);
            return values;
        }
        Assert.Equal(Weights(), Weights());
    }

    [DataFact("usps")]
    public void SavedClassifierLoadsBackAndCorruptFilesAreUserErrors()
    {
        var classifier = fixture.Classifier;
        using var temp = new TempFolder("classifier");
        string dir = temp.Path;
        Assert.Null(DigitClassifier.TryLoad(fixture.Accelerator, Path.Combine(dir, "none")));
        classifier.Save(dir);
        var test = TestData.Usps.Test;
        var before = new float[50 * classifier.FeatureDim];
        var after = new float[before.Length];
        classifier.Features(test, 10, 50, before);
        using (var loaded = DigitClassifier.TryLoad(fixture.Accelerator, dir)!)
        {
            Assert.Equal(classifier.Info, loaded.Info with { Hidden = classifier.Info.Hidden });
            Assert.Equal(classifier.Info.Hidden, loaded.Info.Hidden);
            loaded.Features(test, 10, 50, after);
        }
        Assert.Equal(before, after);

        string json = Path.Combine(dir, DigitClassifier.InfoFile);
        string weights = Path.Combine(dir, DigitClassifier.WeightsFile);
        string goodJson = File.ReadAllText(json);
        File.WriteAllText(json, goodJson.Replace("\"trained\": \"", "\"trained\": \"x"));
        var mismatch = Assert.Throws<UserErrorException>(()
            => DigitClassifier.TryLoad(fixture.Accelerator, dir));
        Assert.Contains(DigitClassifier.WeightsFile, mismatch.Message);
        File.WriteAllText(json, "{ not json");
        var badJson = Assert.Throws<UserErrorException>(()
            => DigitClassifier.TryLoad(fixture.Accelerator, dir));
        Assert.Contains(json, badJson.Message);
        File.WriteAllText(json, goodJson);
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var truncated = Assert.Throws<UserErrorException>(()
            => DigitClassifier.TryLoad(fixture.Accelerator, dir));
        Assert.Contains(weights, truncated.Message);
    }

    [DataFact("usps")]
    public void CommandTrainsSavesAndPrintsTheFinalLine()
    {
        using var temp = new TempFolder("classifier-cli");
        string dir = temp.Path;
        var result = RunnerHarness.Run("classifier", "--dataset", "usps", "--data-dir",
            RunnerHarness.DataDir("usps"), "--epochs", "2", "--out", dir);
        output.WriteLine(result.ToString());
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains(result.OutLines, line => line.StartsWith("epoch 2/2 loss=",
            StringComparison.Ordinal));
        Assert.Matches(@"^classifier dataset=usps test_accuracy=0\.\d{4} saved=", result.OutLines[^1]);
        Assert.EndsWith("saved=" + dir, result.OutLines[^1]);
        Assert.True(File.Exists(Path.Combine(dir, DigitClassifier.WeightsFile)));
        Assert.Contains("\"test_accuracy\"", File.ReadAllText(Path.Combine(dir,
            DigitClassifier.InfoFile)));
    }

    [Theory]
    [InlineData("classifier")]
    [InlineData("classifier", "--dataset", "cifar")]
    [InlineData("classifier", "--dataset", "usps", "--epochs", "0")]
    [InlineData("classifier", "--dataset", "usps", "--seed", "-1")]
    [InlineData("classifier", "--dataset", "usps", "--accelerator", "tpu")]
    public void BadOptionsExitWithCode2AndOneLine(params string[] args)
    {
        var result = RunnerHarness.Run(args);
        Assert.True(result.Code == 2, result.ToString());
        Assert.Single(result.ErrLines);
        Assert.StartsWith("error: ", result.ErrLines[0]);
    }

    [Fact]
    public void DefaultFolderIsUnderTheCacheOrTheEnvironmentVariable()
    {
        string? saved = Environment.GetEnvironmentVariable(DigitClassifier.FolderVariable);
        try
        {
            Environment.SetEnvironmentVariable(DigitClassifier.FolderVariable, null);
            Assert.EndsWith(Path.Combine("vaegpu", "classifiers", "mnist"),
                DigitClassifier.DefaultFolder("mnist"));
            Environment.SetEnvironmentVariable(DigitClassifier.FolderVariable, "/tmp/vaegpu-cls");
            Assert.Equal("/tmp/vaegpu-cls/usps", DigitClassifier.DefaultFolder("usps"));
        }
        finally { Environment.SetEnvironmentVariable(DigitClassifier.FolderVariable, saved); }
    }
}
