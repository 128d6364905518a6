// Training the digit classifier: Adam on the mean softmax cross-entropy, each epoch in a seeded
// shuffled order (EpochShuffle), each image shifted by up to MaxShift pixels along each axis (a
// seeded SplitMix64 draws the shifts), the learning rate decaying along a half cosine. Batches are
// built on the host into preallocated buffers and uploaded; a step allocates nothing.
using System.Diagnostics;
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;
using VaeGpu.Runner.Training;

namespace VaeGpu.Runner.Evaluation;

public sealed partial class DigitClassifier
{
    private const ulong ShiftStream = 0x5348_4946_5400_0000UL; // "SHIFT": the shifts' own seed offset

    /// <summary>
    /// Trains a classifier on data.Train, reporting each epoch (with test accuracy); the cancel token stops
    /// it after the current step with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static DigitClassifier Train(Accelerator accelerator, Dataset data, ClassifierSettings settings,
        IProgress<ClassifierProgress>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (settings.BatchSize > MaxBatch)
            throw new UserErrorException(
                $"classifier batch size: at most {MaxBatch}, got {settings.BatchSize}");
        var train = data.Train;
        if (data.Test.ImageSize != train.ImageSize)
            throw new UserErrorException($"{data.Name}: test images have {data.Test.ImageSize} pixels, " +
                $"training images {train.ImageSize}");
        var info = new ClassifierInfo(data.Name, train.ImageSize, train.Width, train.Height,
            [.. settings.Hidden], Math.Max(train.Classes, data.Test.Classes), settings.EpochsFor(train.Count),
            settings.Seed, 0, 0, "");
        var classifier = new DigitClassifier(accelerator, info);
        try
        {
            classifier.Initialize(settings.Seed);
            classifier.Fit(data, settings, progress, cancel);
            return classifier;
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Weights and biases uniform in [-1/sqrt(in), 1/sqrt(in)] like nn.Linear, from the
    /// seed.</summary>
    private void Initialize(ulong seed)
    {
        Linear.InitializeParameters(Parameters, seed);
        Parameters.ZeroGradients();
        Optimizer.Reset();
    }

    private void Fit(Dataset data, ClassifierSettings settings, IProgress<ClassifierProgress>? progress,
        CancellationToken cancel)
    {
        var train = data.Train;
        int count = train.Count, batch = Math.Min(settings.BatchSize, count);
        int steps = (count + batch - 1) / batch, epochs = settings.EpochsFor(count);
        var shifts = new SplitMix64(settings.Seed ^ ShiftStream);
        int maxShift = settings.ShiftFor(train.Width);
        var clock = Stopwatch.StartNew();
        double accuracy = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var order = EpochShuffle.Permutation(count, settings.Seed, epoch);
            // Half-cosine decay from LearningRate (epoch 1) towards 0 (after the last epoch).
            double rate = settings.LearningRate * 0.5
                * (1 + Math.Cos(Math.PI * (epoch - 1) / epochs));
            var adam = Layers.Optimizer.Defaults(OptimizerKind.Adam, (float)rate);
            double lossSum = 0;
            for (int step = 0; step < steps; step++)
            {
                int start = step * batch, n = Math.Min(batch, count - start);
                for (int row = 0; row < n; row++)
                {
                    int image = order[start + row];
                    _hostLabels[row] = train.Labels[image];
                    int dx = Draw(ref shifts, maxShift), dy = Draw(ref shifts, maxShift);
                    Shift(train, image, dx, dy, _hostImages.AsSpan(row * InputDim, InputDim));
                }
                lossSum += Step(n, adam);
                cancel.ThrowIfCancellationRequested();
            }
            if (!double.IsFinite(lossSum))
                throw new UserErrorException(
                    $"classifier training on {data.Name} diverged in epoch {epoch} " +
                    $"(loss {lossSum}); try a smaller learning rate");
            accuracy = Accuracy(data.Test);
            progress?.Report(new ClassifierProgress(epoch, epochs, lossSum / count, accuracy,
                clock.Elapsed.TotalSeconds));
        }
        Info = Info with
        {
            TestAccuracy = accuracy, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Trained = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ",
                System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// One Adam step on the n staged images and labels: forward, softmax cross-entropy on the host,
    /// backward, update. Returns the batch's summed loss.
    /// </summary>
    private double Step(int n, in OptimizerParams adam)
    {
        var input = _input.FirstRows(n);                        // (n, D)
        Accelerator.CopyFromHost<float>(_hostImages.AsSpan(0, n * InputDim), input.View);
        Parameters.ZeroGradients();
        var logits = _network.Forward(input);                   // (n, C)
        var host = _hostLogits.AsSpan(0, n * Classes);
        Accelerator.CopyToHost(logits.View, host);
        // dL/dlogits of the batch mean, in place over the logits' host copy.
        double loss = SoftmaxCrossEntropy.LossAndGradient(host, _hostLabels, n, Classes, host, 1f / n);
        Accelerator.CopyFromHost<float>(host, _network.OutputGrad.View);
        _network.Backward(default);                            // the images need no gradient
        Optimizer.Step(adam);
        return loss;
    }

    /// <summary>A shift uniform in [-max, max] (modulo bias below 1e-17: irrelevant here).</summary>
    private static int Draw(ref SplitMix64 random, int max) =>
        max == 0 ? 0 : (int)(random.NextUInt64() % (ulong)(2 * max + 1)) - max;

    /// <summary>destination = image moved right by dx and down by dy, scaled to [0, 1],
    /// zero-filled.</summary>
    private static void Shift(DataSplit split, int image, int dx, int dy, Span<float> destination)
    {
        int width = split.Width, height = split.Height;
        var source = split.Images.AsSpan(image * split.ImageSize, split.ImageSize);
        for (int y = 0; y < height; y++)
        {
            int sourceY = y - dy;
            var row = destination.Slice(y * width, width);
            if (sourceY < 0 || sourceY >= height) { row.Clear(); continue; }
            for (int x = 0; x < width; x++)
            {
                int sourceX = x - dx;
                row[x] = sourceX < 0 || sourceX >= width
                    ? 0 : source[sourceY * width + sourceX] * (1f / 255f);
            }
        }
    }
}
