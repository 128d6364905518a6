// The settings, progress reports and saved description of a digit classifier. Defaults reach the
// accuracy bars of the issue (>= 98% on MNIST, >= 95% on USPS) with a 2-pixel shift augmentation and a
// cosine learning-rate decay; see DigitClassifier.Training.cs.
using System.Text.Json;
using System.Text.Json.Serialization;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Evaluation;

/// <summary>How a digit classifier is trained.</summary>
public sealed record ClassifierSettings
{
    /// <summary>Hidden layer widths (ReLU); the last one is the feature layer of the FID.</summary>
    public int[] Hidden { get; init; } = [512, 256];

    /// <summary>
    /// Passes over the training set; null: 20 for a large set (MNIST's 60,000 images reach 99.0%) and 30
    /// for a small one (USPS's 7,291: 95.4% after 20, 96.0% after 30).
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>The number of epochs used for a training set of <paramref name="images"/> images.</summary>
    public int EpochsFor(int images) => Epochs ?? (images >= 20_000 ? 20 : 30);

    /// <summary>Images per Adam step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam's learning rate at epoch 1; decays along a half cosine to 0 after the last
    /// epoch.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Largest random shift, in pixels along each axis, of a training image (0: none); null: width / 14,
    /// i.e. 2 on 28-pixel MNIST and 1 on 16-pixel USPS (2 pixels of 16 cost USPS a point of accuracy).
    /// </summary>
    public int? MaxShift { get; init; }

    /// <summary>The shift used for images <paramref name="width"/> pixels wide.</summary>
    public int ShiftFor(int width) => MaxShift ?? Math.Max(1, (int)Math.Round(width / 14.0));

    /// <summary>Seed of the initial weights, the epoch shuffles and the shifts.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks the settings; a bad value is a user error naming the option.</summary>
    public void Validate()
    {
        if (Hidden.Length == 0 || Hidden.Any(h => h <= 0 || h > 65536))
            throw new UserErrorException(
                $"classifier hidden sizes must be 1 to 65536, got [{string.Join(", ", Hidden)}]");
        if (Epochs is < 1 or > 10_000)
            throw new UserErrorException($"--epochs: expected 1 to 10000, got {Epochs}");
        if (BatchSize is < 1 or > 65536)
            throw new UserErrorException($"batch size: expected 1 to 65536, got {BatchSize}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new UserErrorException($"learning rate must be positive, got {LearningRate}");
        if (MaxShift is < 0 or > 8)
            throw new UserErrorException($"shift: expected 0 to 8 pixels, got {MaxShift}");
    }
}

/// <summary>One finished epoch of classifier training; Seconds counts from the start of training.</summary>
public sealed record ClassifierProgress(int Epoch, int Epochs, double TrainLoss, double TestAccuracy,
    double Seconds);

/// <summary>The contents of classifier.json: what was trained on what, and how well it did.</summary>
public sealed record ClassifierInfo(string Dataset, int InputDim, int Width, int Height, int[] Hidden,
    int Classes, int Epochs, ulong Seed, double TestAccuracy, double Seconds, string Trained)
{
    /// <summary>snake_case JSON, indented.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
