// The pictures of a run, made from the trained model: reconstructions (z = mu), samples from the
// prior (not for an ae: it has no prior, so its "samples" would be noise), samples per class (CVAE),
// the latent scatter (PCA when latent > 2), the 2-D manifold and the loss curves. Every decode runs
// in chunks of the model's batch size; latent draws come from the model's Sample stream, so the same
// checkpoint always gives the same pictures.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Output;

namespace VaeGpu.Runner.Training;

/// <summary>Makes and writes the pictures of a run folder.</summary>
public static class RunPictures
{
    private const int ReconstructionCount = 32, ReconstructionColumns = 16, LatentPoints = 5000,
        ManifoldSide = 20;

    /// <summary>The manifold's grid spans z in [-ManifoldRange, ManifoldRange] on both axes.</summary>
    public const float ManifoldRange = 3f;

    /// <summary>Writes every final picture and loss.svg into <paramref name="runDir"/>.</summary>
    public static void WriteAll(string runDir, VaeModel model, DeviceSplit test, RunConfig config,
        IReadOnlyList<EpochMetrics> metrics)
    {
        Reconstructions(model, test, config).Save(Path.Combine(runDir, "reconstructions.png"));
        // An ae's latent has no prior: decoded N(0, I) draws mean nothing, so it gets no samples.png.
        if (!config.IsAutoencoder)
            Samples(model, config, 64, label: null).Save(Path.Combine(runDir, "samples.png"));
        if (config.IsConditional) SamplesByClass(model, config).Save(Path.Combine(runDir,
            "samples_by_class.png"));
        AtomicFile.WriteAllText(Path.Combine(runDir, "latent.svg"), LatentPlot(model, test, config));
        if (config.Latent == 2 && !config.IsConditional)
            Manifold(model, config).Save(Path.Combine(runDir, "manifold.png"));
        AtomicFile.WriteAllText(Path.Combine(runDir, "loss.svg"), LossPlot(metrics, config));
    }

    /// <summary>The first test images above their reconstructions (decoded from z = mu).</summary>
    public static Picture Reconstructions(VaeModel model, DeviceSplit test, RunConfig config)
    {
        int n = Math.Min(ReconstructionCount, test.Count), d = config.InputDim;
        var order = Enumerable.Range(0, n).ToArray();
        var originals = new float[n * d];
        var decoded = new float[n * d];
        var acc = model.Accelerator;
        for (int start = 0; start < n; start += model.MaxBatch)
        {
            int count = Math.Min(model.MaxBatch, n - start);
            test.Gather(order, start, count);
            acc.CopyToHost(test.Images.Slice(0, count * d), originals.AsSpan(start * d, count * d));
            var (mu, _) = model.Encode(test.Images, test.OneHot, count);
            var images = model.Decode(mu.View, test.OneHot, count);
            acc.CopyToHost(images.View.Slice(0, count * d), decoded.AsSpan(start * d, count * d));
        }
        return ImageGrid.OriginalsOverReconstructions(originals, decoded, n, config.ImageWidth,
            config.ImageHeight,
            Math.Min(ReconstructionColumns, n));
    }

    /// <summary><paramref name="n"/> decoded draws z ~ N(0, I) on a square-ish grid; a CVAE uses label i mod
    /// classes
    /// (or <paramref name="label"/> for all).</summary>
    public static Picture Samples(VaeModel model, RunConfig config, int n, int? label, long counter = 0)
    {
        var z = Normals(model, n, counter);
        var labels = config.IsConditional
            ? OneHot(Enumerable.Range(0, n).Select(i => label ?? i % config.Classes).ToArray(),
                config.Classes)
            : null;
        var images = DecodeMany(model, z, labels, n);
        int columns = (int)Math.Ceiling(Math.Sqrt(n));
        return ImageGrid.Gray(images, n, config.ImageWidth, config.ImageHeight, columns);
    }

    /// <summary>A CVAE's draws, one row per class (10 per row).</summary>
    public static Picture SamplesByClass(VaeModel model, RunConfig config)
    {
        const int PerRow = 10;
        int n = PerRow * config.Classes;
        var z = Normals(model, n, counter: 1);
        var labels = OneHot(Enumerable.Range(0, n).Select(i => i / PerRow).ToArray(), config.Classes);
        return ImageGrid.Gray(DecodeMany(model, z, labels, n), n, config.ImageWidth, config.ImageHeight,
            PerRow);
    }

    /// <summary>Decodes a grid over the 2-D latent plane (latent = 2 only): z in [-3, 3]^2 (see
    /// <see cref="ManifoldRange"/>), left column = low z1, top row = high z2.</summary>
    public static Picture Manifold(VaeModel model, RunConfig config)
    {
        int n = ManifoldSide * ManifoldSide;
        var z = new float[n * 2];
        for (int row = 0; row < ManifoldSide; row++)
            for (int col = 0; col < ManifoldSide; col++)
            {
                int at = (row * ManifoldSide + col) * 2;
                z[at] = -ManifoldRange + 2 * ManifoldRange * col / (ManifoldSide - 1);
                z[at + 1] = ManifoldRange - 2 * ManifoldRange * row / (ManifoldSide - 1);
            }
        return ImageGrid.Gray(DecodeMany(model, z, null, n), n, config.ImageWidth, config.ImageHeight,
            ManifoldSide, 0);
    }

    /// <summary>Test-set latent means by digit: the two axes when latent = 2, else the first two principal
    /// components.</summary>
    public static string LatentPlot(VaeModel model, DeviceSplit test, RunConfig config)
    {
        int n = Math.Min(LatentPoints, test.Count), l = config.Latent;
        var mu = EncodeMany(model, test, n);
        var labels = test.Split.Labels.AsSpan(0, n).ToArray();
        double[] x = new double[n], y = new double[n];
        string title, xLabel, yLabel;
        if (l == 1)
        {
            for (int i = 0; i < n; i++) { x[i] = mu[i]; y[i] = labels[i]; }
            (title, xLabel, yLabel) = ("Latent means of test images", "z1",
                DatasetCatalog.ClassNoun(config.Dataset));
        }
        else if (l == 2)
        {
            for (int i = 0; i < n; i++) { x[i] = mu[2 * i]; y[i] = mu[2 * i + 1]; }
            (title, xLabel, yLabel) = ("Latent means of test images", "z1", "z2");
        }
        else
        {
            var projected = Pca.Project(mu, n, l);
            for (int i = 0; i < n; i++) { x[i] = projected[2 * i]; y[i] = projected[2 * i + 1]; }
            title = $"Latent means of test images ({l}-D, first two principal components)";
            (xLabel, yLabel) = ("PC 1", "PC 2");
        }
        int classes = Math.Max(config.Classes, labels.Max() + 1);
        var names = Enumerable.Range(0, classes).Select(c => DatasetCatalog.ClassName(config.Dataset, c))
            .ToArray();
        return SvgPlot.Scatter(title, xLabel, yLabel, x, y, labels, classes, names);
    }

    /// <summary>Train and test loss and reconstruction per epoch, in the run's units; a vae's KL on a
    /// panel of its own below (an ae has none). Colour = split (train blue, test red), dash = the
    /// reconstruction part, and each legend swatch shows its line's dash.</summary>
    public static string LossPlot(IReadOnlyList<EpochMetrics> metrics, RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(config);
        List<double> Column(Func<EpochMetrics, double> pick) => metrics.Select(pick).ToList();
        const string TrainColor = "#4e79a7", TestColor = "#e15759";
        string units = LossUnits.PerImage(config);
        if (config.IsAutoencoder) // loss = recon: one line per split says it all
            return SvgPlot.Lines($"Reconstruction loss per image ({LossUnits.Short(config)})", "epoch", units,
            [
                new("train loss", TrainColor, Column(m => m.TrainLoss)),
                new("test loss", TestColor, Column(m => m.TestLoss)),
            ]);
        return SvgPlot.Panels($"Loss per image ({LossUnits.Short(config)})", "epoch",
        [
            new(units,
            [
                new("train loss", TrainColor, Column(m => m.TrainLoss)),
                new("test loss", TestColor, Column(m => m.TestLoss)),
                new("train recon", "#a0cbe8", Column(m => m.TrainRecon), Dashed: true),
                new("test recon", "#ff9d9a", Column(m => m.TestRecon), Dashed: true),
            ]),
            new("KL to N(0, I), nats per image",
            [
                new("train KL", TrainColor, Column(m => m.TrainKl)),
                new("test KL", TestColor, Column(m => m.TestKl)),
            ]),
        ]);
    }

    /// <summary>Latent means of the first <paramref name="n"/> images of a split: (n, Latent) on the
    /// host.</summary>
    public static float[] EncodeMany(VaeModel model, DeviceSplit split, int n)
    {
        int l = model.Config.Latent;
        var order = Enumerable.Range(0, n).ToArray();
        var mu = new float[n * l];
        for (int start = 0; start < n; start += model.MaxBatch)
        {
            int count = Math.Min(model.MaxBatch, n - start);
            split.Gather(order, start, count);
            var (chunk, _) = model.Encode(split.Images, split.OneHot, count);
            model.Accelerator.CopyToHost(chunk.View.Slice(0, count * l), mu.AsSpan(start * l, count * l));
        }
        return mu;
    }

    /// <summary>Decodes host z (n, Latent) [+ host one-hot (n, Classes)] to images (n, InputDim) on the
    /// host.</summary>
    public static float[] DecodeMany(VaeModel model, float[] z, float[]? oneHot, int n)
    {
        int l = model.Config.Latent, d = model.Config.InputDim, c = model.Config.Classes;
        var acc = model.Accelerator;
        var result = new float[n * d];
        using var zBuffer = acc.Allocate<float>(model.MaxBatch * l);
        using var labelBuffer = oneHot is null ? null : acc.Allocate<float>(model.MaxBatch * c);
        for (int start = 0; start < n; start += model.MaxBatch)
        {
            int count = Math.Min(model.MaxBatch, n - start);
            acc.CopyFromHost<float>(z.AsSpan(start * l, count * l), zBuffer.Slice(0, count * l));
            if (labelBuffer is not null)
                acc.CopyFromHost<float>(oneHot.AsSpan(start * c, count * c), labelBuffer.Slice(0, count * c));
            var images = model.Decode(zBuffer.View, labelBuffer?.View ?? default, count);
            acc.CopyToHost(images.View.Slice(0, count * d), result.AsSpan(start * d, count * d));
        }
        return result;
    }

    /// <summary>n x Latent standard normals from the model's Sample stream <paramref
    /// name="counter"/>.</summary>
    public static float[] Normals(VaeModel model, int n, long counter)
    {
        int l = model.Config.Latent;
        using var buffer = model.Accelerator.Allocate<float>(n * l);
        model.SampleLatent(buffer.View, n, counter);
        return model.Accelerator.ToArray(buffer.View);
    }

    /// <summary>One-hot rows for the given labels.</summary>
    public static float[] OneHot(int[] labels, int classes)
    {
        var result = new float[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++) result[i * classes + labels[i]] = 1;
        return result;
    }
}
