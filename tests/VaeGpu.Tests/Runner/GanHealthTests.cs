// The GAN health check's rules, as known answers: which check values give which warning lines, the
// short names a sweep's table reads back from them, the epoch a line names, and the sample spread's
// mean pairwise distance.
using VaeGpu.Runner.Training;

namespace VaeGpu.Tests.Runner;

public sealed class GanHealthTests
{
    [Fact]
    public void AHealthyEpochHasNoWarnings()
    {
        var check = new GanHealth(0.99, GanHealth.CollapseSpread, 64) { Rarest = ("digit 3", 0.25, 1000) };
        Assert.Empty(check.Warnings(4));
        Assert.Equal("ok", GanHealth.Summary(check.Warnings(4)));
    }

    [Fact]
    public void EachFailureHasItsLineAndShortName()
    {
        var check = new GanHealth(1, 0.2, 64) { Rarest = ("Trouser", 0.049, 1000) };
        var lines = check.Warnings(7);
        Assert.Equal(3, lines.Count);
        Assert.Equal("WARNING epoch 7: D is right about all 128 real and fake images (D has won; G gets " +
            "little gradient)", lines[0]);
        Assert.Equal("WARNING epoch 7: mode collapse: G's fixed samples are near-identical (mean pairwise " +
            $"distance {0.2:P0} of the real images')", lines[1]);
        Assert.Equal("WARNING epoch 7: dropped mode: G draws Trouser at 0.05x its share of the test set " +
            "(1000 fixed-noise samples, labelled by the digit classifier)", lines[2]);
        Assert.All(lines, l => Assert.Equal(7, GanHealth.EpochOf(l)));
        Assert.Equal("D won; mode collapse; dropped mode", GanHealth.Summary(lines));
        Assert.Equal("dropped mode", GanHealth.Summary(lines.Skip(2)));
    }

    [Fact]
    public void WithoutAClassifierThereIsNoDroppedModeLine()
    {
        Assert.Empty(new GanHealth(0.5, 1, 64).Warnings(1));
        Assert.Equal(int.MaxValue, GanHealth.EpochOf("no warning here"));
    }

    [Fact]
    public void MeanDistanceAveragesEveryPair()
    {
        // Three points of two pixels: (0, 0), (3, 4), (0, 4): distances 5, 4, 3.
        float[] images = [0, 0, 3, 4, 0, 4];
        Assert.Equal(4, GanHealth.MeanDistance(images, 3, 2), 12);
        Assert.Equal(5, GanHealth.MeanDistance(images, 2, 2), 12);
        Assert.Equal(0, GanHealth.MeanDistance(images, 1, 2));
    }
}
