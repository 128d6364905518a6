// The per-epoch check that shows a failing GAN instead of hiding it: D's accuracy on 64 test images
// and G's 64 fixed-noise samples (100% means D has won and G learns little), the spread of those
// samples, their mean pairwise distance over that of the real images (near 0 means mode collapse), and,
// when the dataset's digit classifier exists, the rarest class of 1,000 fixed-noise samples against the
// test set (under 0.25x of its share, as `eval` counts it, a dropped mode).
using System.Globalization;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Training;

/// <summary>D's accuracy and the sample spread of one epoch, with the warnings they call for.</summary>
public sealed record GanHealth(double DAccuracy, double Spread, int Images)
{
    /// <summary>Below this spread (fake over real mean pairwise distance) the samples count as collapsed.
    /// </summary>
    public const double CollapseSpread = 0.25;

    // How each warning's text begins after "WARNING epoch N: ", which Summary reads back.
    private const string DWonText = "D is right about all ", CollapseText = "mode collapse: ",
        DroppedText = "dropped mode: ";

    /// <summary>The rarest class of the classifier-labelled samples (its name, generated share over test
    /// share, and the sample count), or null when no classifier was at hand.</summary>
    public (string Name, double Ratio, int Samples)? Rarest { get; init; }

    /// <summary>The warnings of this check, one line each (empty when healthy).</summary>
    public List<string> Warnings(int epoch)
    {
        var warnings = new List<string>();
        if (DAccuracy >= 1)
            warnings.Add($"WARNING epoch {epoch}: {DWonText}{2 * Images} real and fake images " +
                "(D has won; G gets little gradient)");
        if (Spread < CollapseSpread)
            warnings.Add($"WARNING epoch {epoch}: {CollapseText}G's fixed samples are near-identical " +
                $"(mean pairwise distance {Spread:P0} of the real images')");
        if (Rarest is { } r && r.Ratio < EvalRunner.DroppedModeRatio)
            warnings.Add($"WARNING epoch {epoch}: {DroppedText}G draws {r.Name} at " +
                $"{r.Ratio.ToString("0.00", CultureInfo.InvariantCulture)}x its share of the test set " +
                $"({r.Samples} fixed-noise samples, labelled by the digit classifier)");
        return warnings;
    }

    /// <summary>Warning lines by their short names, "D won", "mode collapse" and "dropped mode" (joined by
    /// "; "), or "ok" when there are none: a sweep's table shows how each GAN's last epoch ended.</summary>
    public static string Summary(IEnumerable<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        var names = warnings.Select(w => w.Contains(": " + CollapseText, StringComparison.Ordinal)
                ? "mode collapse"
                : w.Contains(": " + DWonText, StringComparison.Ordinal) ? "D won"
                : w.Contains(": " + DroppedText, StringComparison.Ordinal) ? "dropped mode" : "warning")
            .Distinct().ToList();
        return names.Count == 0 ? "ok" : string.Join("; ", names);
    }

    /// <summary>The epoch a warning line names ("WARNING epoch 3: ..."), or int.MaxValue.</summary>
    public static int EpochOf(string warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        const string Prefix = "WARNING epoch ";
        int colon = warning.IndexOf(':', StringComparison.Ordinal);
        return warning.StartsWith(Prefix, StringComparison.Ordinal) && colon > Prefix.Length
            && int.TryParse(warning.AsSpan(Prefix.Length, colon - Prefix.Length), out int epoch)
            ? epoch : int.MaxValue;
    }

    /// <summary>Checks D on the test split's images and on <paramref name="fakes"/> (n, D) in [0, 1].
    /// </summary>
    public static GanHealth Check(GanModel model, DeviceSplit test, RunConfig config, float[] fakes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(fakes);
        int d = model.Config.InputDim, n = Math.Min(test.Count, fakes.Length / d);
        var acc = model.Accelerator;
        test.Gather(Enumerable.Range(0, n).ToArray(), 0, n);
        var realHost = acc.ToArray(test.Images.Slice(0, n * d));
        using var scaled = acc.Allocate<float>(n * d);
        acc.Affine(test.Images, scaled.View, n * d, 2f, -1f);
        int correct = CountSign(acc.ToArray(model.Discriminate(scaled.View, test.OneHot, n).View), true);
        var fakeScaled = fakes.Take(n * d).Select(v => 2 * v - 1).ToArray();
        acc.CopyFromHost<float>(fakeScaled, scaled.View);
        using var labels = config.IsConditional
            ? acc.Upload<float>(RunPictures.OneHot(
                [.. Enumerable.Range(0, n).Select(i => i % config.Classes)], config.Classes))
            : null;
        correct += CountSign(acc.ToArray(model.Discriminate(scaled.View, labels?.View ?? default, n).View),
            false);
        double spread = MeanDistance(fakes, n, d) / Math.Max(MeanDistance(realHost, n, d), 1e-12);
        return new GanHealth(correct / (2.0 * n), spread, n);
    }

    /// <summary>Mean Euclidean distance over all pairs of the first n images (n, d).</summary>
    public static double MeanDistance(float[] images, int n, int d)
    {
        double sum = 0;
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
            {
                double s = 0;
                for (int p = 0; p < d; p++)
                {
                    double diff = images[a * d + p] - images[b * d + p];
                    s += diff * diff;
                }
                sum += Math.Sqrt(s);
            }
        return n > 1 ? sum / (n * (n - 1) / 2.0) : 0;
    }

    private static int CountSign(float[] logits, bool positive) =>
        logits.Count(l => positive ? l > 0 : l < 0);
}
