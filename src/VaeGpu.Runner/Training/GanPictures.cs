// Pictures of a GAN run: draws of G from the Sample noise stream (counter 0 is the fixed noise of the
// per-epoch grids), a cgan's draws one row per class, and the loss plot. G's Tanh output in [-1, 1]
// is mapped to [0, 1] on the host for the PNGs.
using VaeGpu.Layers;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>Sample grids and the loss plot of a GAN.</summary>
public static class GanPictures
{
    /// <summary>
    /// <paramref name="n"/> images (n, InputDim) in [0, 1] on the host from noise Sample(counter); a cgan
    /// draws label i mod classes for image i, or <paramref name="label"/> for all.
    /// </summary>
    public static float[] Generate(GanModel model, RunConfig config, int n, long counter, int? label)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        int[]? labels = config.IsConditional
            ? [.. Enumerable.Range(0, n).Select(i => label ?? i % config.Classes)] : null;
        return GenerateWith(model, config, n, counter, labels);
    }

    /// <summary>Images for explicit labels (cgan) or none; see <see cref="Generate"/>.</summary>
    public static float[] GenerateWith(GanModel model, RunConfig config, int n, long counter, int[]? labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        int noise = model.Config.Noise, d = model.Config.InputDim, c = config.Classes;
        var acc = model.Accelerator;
        using var z = acc.Allocate<float>(n * noise);
        model.SampleNoise(z.View, n, counter);
        var oneHot = labels is null ? null : RunPictures.OneHot(labels, c);
        using var labelBuffer = oneHot is null ? null : acc.Upload<float>(oneHot);
        var result = new float[n * d];
        for (int start = 0; start < n; start += model.MaxBatch)
        {
            int count = Math.Min(model.MaxBatch, n - start);
            var y = labelBuffer is null ? default : labelBuffer.Slice(start * c, count * c);
            var images = model.Generate(z.Slice(start * noise, count * noise), y, count);
            acc.CopyToHost(images.View.Slice(0, count * d), result.AsSpan(start * d, count * d));
        }
        for (int i = 0; i < result.Length; i++) result[i] = 0.5f * (result[i] + 1f); // [-1, 1] -> [0, 1]
        return result;
    }

    /// <summary>A grid of images in [0, 1] with <paramref name="columns"/> per row.</summary>
    public static Picture Grid(float[] images, int n, RunConfig config, int columns) =>
        ImageGrid.Gray(images, n, config.ImageWidth, config.ImageHeight, columns);

    /// <summary>A cgan's draws, one row of 10 per class.</summary>
    public static Picture ByClass(GanModel model, RunConfig config)
    {
        const int PerRow = 10;
        int n = PerRow * config.Classes;
        var labels = Enumerable.Range(0, n).Select(i => i / PerRow).ToArray();
        return Grid(GenerateWith(model, config, n, counter: 2, labels), n, config, PerRow);
    }

    /// <summary>D and G losses and the means of sigmoid(D) per epoch.</summary>
    public static string LossPlot(IReadOnlyList<GanEpochMetrics> metrics)
    {
        List<double> Column(Func<GanEpochMetrics, double> pick) => [.. metrics.Select(pick)];
        return SvgPlot.Lines("GAN losses per epoch", "epoch", "loss / probability",
        [
            new("d_loss", "#4e79a7", Column(m => m.DLoss)),
            new("g_loss", "#e15759", Column(m => m.GLoss)),
            new("d_real (mean sigmoid D, real)", "#59a14f", Column(m => m.DReal), Dashed: true),
            new("d_fake (mean sigmoid D, fake)", "#f28e2b", Column(m => m.DFake), Dashed: true),
        ]);
    }
}
