// The rarest class of a model's samples: the class whose generated share falls furthest below its test
// share (a dropped mode shows as a ratio near 0), and the note `eval` prints for one.
using VaeGpu.Runner.Evaluation;
using VaeGpu.Runner.Training;

namespace VaeGpu.Tests.Evaluation;

public sealed class RarestClassTests
{
    [Fact]
    public void TheRarestClassIsTheSmallestGeneratedOverTestShare()
    {
        // Class 1 is drawn at 0.02 / 0.2 = 0.1 of its share; class 2 at 0.3 / 0.5 = 0.6; class 0 at 2.
        Assert.Equal((1, 0.1), Rounded(DigitMetrics.RarestClass([0.6, 0.02, 0.38], [0.3, 0.2, 0.5])));
        // A class the test set lacks cannot be under-represented: it is skipped, not divided by zero.
        Assert.Equal((2, 0.4), Rounded(DigitMetrics.RarestClass([0.5, 0.3, 0.2], [0, 0.5, 0.5])));
        // In proportion: every ratio is 1, and the first class is named.
        Assert.Equal((0, 1.0), Rounded(DigitMetrics.RarestClass([0.25, 0.75], [0.25, 0.75])));
        // A class never drawn: ratio 0.
        Assert.Equal((3, 0.0),
            Rounded(DigitMetrics.RarestClass([0.5, 0.25, 0.25, 0], [0.25, 0.25, 0.25, 0.25])));
    }

    [Fact]
    public void MismatchedOrEmptySharesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => DigitMetrics.RarestClass([0.5, 0.5], [1.0]));
        Assert.Throws<ArgumentException>(() => DigitMetrics.RarestClass([], []));
        Assert.Throws<ArgumentException>(() => DigitMetrics.RarestClass([1.0, 0], [0, 0]));
    }

    [Fact]
    public void EvalNamesADroppedModeAndStaysQuietOtherwise()
    {
        var dropped = new EvalResult { RarestClass = 1, RarestClassRatio = 0.053 };
        Assert.Equal("the samples show Trouser at 0.05x its share of the test set: a dropped mode, which " +
            "raises the FID however sharp each sample is", EvalRunner.DroppedMode(dropped, "fashion-mnist"));
        Assert.StartsWith("the samples show digit 1 at 0.05x", EvalRunner.DroppedMode(dropped, "mnist"));
        Assert.Null(EvalRunner.DroppedMode(dropped with { RarestClassRatio = EvalRunner.DroppedModeRatio },
            "mnist"));
        Assert.Null(EvalRunner.DroppedMode(new EvalResult(), "mnist")); // no digit metrics measured
        Assert.EndsWith(" rarest_class=1 rarest_class_ratio=0.053 images=0 seconds=0.00",
            EvalRunner.ResultLine(dropped));
    }

    private static (int, double) Rounded((int Class, double Ratio) rarest) =>
        (rarest.Class, Math.Round(rarest.Ratio, 12));
}
