// Digit-FID and conditional accuracy with a briefly trained USPS classifier: a random-weight VAE's FID
// is far above the test-vs-train floor, the floor is small next to the FID of noise images, the same
// draws give the same FID, and a CVAE trained for a few epochs is far more often classified as the
// digit asked for than a random one.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training;
using VaeGpu.Tests.Support;
using Xunit.Abstractions;

namespace VaeGpu.Tests.Evaluation;

[Collection("usps-classifier")]
public sealed class DigitMetricsTests(UspsClassifierFixture fixture, ITestOutputHelper output)
{
    [DataFact("usps")]
    public void RandomVaeIsFarAboveTheFloorAndTheFloorFarBelowNoise()
    {
        var classifier = fixture.Classifier;
        var usps = TestData.Usps;
        using var model = new VaeModel(fixture.Accelerator,
            new ModelConfig(ModelKind.Vae, 256, 10, [64], [64], 8, Seed: 3), 100);
        var result = DigitMetrics.DigitFid(model, classifier, usps, count: 2000);
        var again = DigitMetrics.DigitFid(model, classifier, usps, count: 2000);
        Assert.Equal(result.Fid, again.Fid); // the same draws: the same number
        // A sweep computes the reference once and reuses it for every run: the same numbers again.
        var reference = DigitMetrics.Reference(classifier, usps);
        var reused = DigitMetrics.DigitFid(model, reference, count: 2000);
        Assert.Equal(result.Fid, reused.Fid);
        Assert.Equal(result.Floor, reused.Floor);

        var random = new TestRandom(output);
        const int n = 2000;
        using var noise = fixture.Accelerator.Upload<float>(random.Uniform(n * 256, 0f, 1f));
        var features = new float[n * classifier.FeatureDim];
        classifier.Features(noise.View, n, features);
        var testStats = DigitMetrics.SplitStats(classifier, usps.Test, usps.Test.Count);
        double noiseFid = FrechetDistance.Compute(testStats, GaussianStats.Of(features, n,
            classifier.FeatureDim));
        output.WriteLine($"random VAE FID {result.Fid:F3}, floor {result.Floor:F3}, " +
            $"noise FID {noiseFid:F3}, " +
            $"{result.Seconds:F1} s for {result.Count} samples");
        Assert.True(result.Floor > 0, $"floor {result.Floor}");
        Assert.True(result.Fid > 5 * result.Floor, $"random VAE FID {result.Fid} vs floor {result.Floor}");
        Assert.True(result.Floor < 0.1 * noiseFid, $"floor {result.Floor} vs noise FID {noiseFid}");
    }

    [DataFact("usps")]
    public void TrainedCvaeDrawsTheAskedDigitsFarMoreOftenThanARandomOne()
    {
        var classifier = fixture.Classifier;
        var acc = fixture.Accelerator;
        var usps = TestData.Usps;
        var config = new ModelConfig(ModelKind.Cvae, 256, 10, [128], [128], 8, Seed: 4);
        using var model = new VaeModel(acc, config, 64);
        double untrained = DigitMetrics.ConditionalAccuracy(model, classifier, perClass: 100);
        using (var train = new DeviceSplit(acc, usps.Train, usps.Train.Count, 64, 10))
        {
            var adam = Optimizer.Defaults(OptimizerKind.Adam);
            for (int epoch = 1; epoch <= 12; epoch++)
            {
                train.UploadOrder(EpochShuffle.Permutation(usps.Train.Count, 4, epoch));
                for (int start = 0; start < usps.Train.Count; start += 64)
                {
                    int n = Math.Min(64, usps.Train.Count - start);
                    train.GatherFromOrder(start, n);
                    model.TrainStep(train.Images, train.OneHot, n, 1f, adam);
                }
            }
        }
        double trained = DigitMetrics.ConditionalAccuracy(model, classifier, perClass: 100);
        output.WriteLine($"conditional accuracy: random cvae {untrained:F3}, after 12 epochs {trained:F3}");
        Assert.True(untrained < 0.4, $"random cvae: {untrained}");
        Assert.True(trained > 0.5 && trained > untrained + 0.3,
            $"trained cvae: {trained}, random {untrained}");
        using var plain = new VaeModel(acc, config with { Kind = ModelKind.Vae }, 8);
        Assert.Throws<InvalidOperationException>(() => DigitMetrics.ConditionalAccuracy(plain, classifier));
    }

    [DataFact("usps")]
    public void MismatchedModelAndClassifierAreUserErrors()
    {
        using var model = new VaeModel(fixture.Accelerator, new ModelConfig(ModelKind.Vae, 784, 10, [16],
            [16], 2), 8);
        var error = Assert.Throws<UserErrorException>(() =>
            DigitMetrics.DigitFid(model, fixture.Classifier, TestData.Usps, count: 10));
        Assert.Contains("784", error.Message);
    }
}
