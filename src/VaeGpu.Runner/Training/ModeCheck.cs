// The dropped-mode part of a GAN's per-epoch health check: when the dataset's digit classifier exists
// (the one `eval` uses; `VaeGpu.Runner classifier` trains it), it labels 1,000 fixed-noise samples each
// epoch and compares their class shares with the test set's, as `eval`'s rarest class does. Without a
// classifier, or for a cgan (whose classes are the labels it is given), there is no such check.
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Evaluation;

namespace VaeGpu.Runner.Training;

/// <summary>The classifier and the test set's class shares, loaded once per run.</summary>
internal sealed class ModeCheck : IDisposable
{
    /// <summary>Fixed-noise samples labelled each epoch: the first of `eval`'s digit-FID images.</summary>
    public const int Samples = 1000;

    private readonly DigitClassifier _classifier;
    private readonly double[] _testShares;
    private readonly string _dataset;

    /// <summary>The check with a classifier it now owns and the test set's class shares.</summary>
    internal ModeCheck(DigitClassifier classifier, double[] testShares, string dataset) =>
        (_classifier, _testShares, _dataset) = (classifier, testShares, dataset);

    /// <summary>The check for an unconditional GAN whose dataset has a classifier of its image size, or
    /// null (a classifier that cannot be read is named in one note and skipped: training goes on).
    /// </summary>
    public static ModeCheck? TryCreate(GanModel model, RunConfig config, Dataset data,
        ITrainingProgress progress)
    {
        if (config.IsConditional) return null;
        DigitClassifier? classifier;
        try
        {
            string folder = DigitClassifier.DefaultFolder(config.Dataset);
            classifier = DigitClassifier.TryLoad(model.Accelerator, folder);
        }
        catch (Exception e) when (e is UserErrorException or IOException or UnauthorizedAccessException)
        {
            progress.Info($"note: no dropped-mode check: {e.Message}");
            return null;
        }
        if (classifier is null) return null;
        if (classifier.InputDim != model.Config.InputDim)
        {
            progress.Info($"note: no dropped-mode check: the {config.Dataset} classifier takes " +
                $"{classifier.InputDim} pixels, this run's images have {model.Config.InputDim}");
            classifier.Dispose();
            return null;
        }
        return new ModeCheck(classifier, classifier.ClassShares(data.Test), config.Dataset);
    }

    /// <summary>The class shares of the model's samples: eval's first <see cref="Samples"/> digit-FID
    /// images, whatever the model's MaxBatch.</summary>
    public double[] Shares(GanModel model) => DigitMetrics.ClassShares(model, _classifier, Samples,
        DigitMetrics.FidCounter, DigitEvaluation.GenerateChunk);

    /// <summary>The rarest class of this epoch's samples: name, generated over test share, samples.</summary>
    public (string Name, double Ratio, int Samples) Rarest(GanModel model)
    {
        var (rarest, ratio) = DigitMetrics.RarestClass(Shares(model), _testShares);
        return (DatasetCatalog.ClassName(_dataset, rarest), ratio, Samples);
    }

    public void Dispose() => _classifier.Dispose();
}
