// A small MLP digit classifier built from our own layers (Linear with fused ReLU, in a Sequential):
// input -> 512 -> 256 -> 10 logits by default. It is the yardstick of the digit-FID (its last hidden
// layer's ReLU outputs are the features) and of a CVAE's conditional accuracy. Every buffer is
// allocated once; inference runs in chunks of MaxBatch. Training: DigitClassifier.Training.cs; files:
// DigitClassifier.Storage.cs.
using VaeGpu.Kernels;
using VaeGpu.Layers;
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.Evaluation;

/// <summary>An MLP digit classifier whose penultimate ReLU outputs serve as features for a
/// digit-FID.</summary>
public sealed partial class DigitClassifier : IDisposable
{
    /// <summary>Rows of the device buffers: the largest chunk of one forward pass.</summary>
    public const int MaxBatch = 256;

    private readonly Workspace _workspace;
    private readonly Sequential _network;        // hidden Linear+ReLU layers, then the logits Linear
    private readonly Tensor _input;              // (MaxBatch, InputDim) device images
    private readonly float[] _hostImages;        // (MaxBatch, InputDim) host staging of images
    private readonly float[] _hostLogits;        // (MaxBatch, Classes), also the logits' gradient
    private readonly int[] _hostLabels;          // (MaxBatch)

    private DigitClassifier(Accelerator accelerator, ClassifierInfo info)
    {
        Accelerator = accelerator;
        Info = info;
        Parameters = new ParameterArena(accelerator, ParameterShapes(info.InputDim, info.Hidden,
            info.Classes));
        Optimizer = new Optimizer(Parameters);
        _workspace = new Workspace(accelerator, MaxBatch);
        var layers = new List<Layer>();
        int width = info.InputDim;
        for (int i = 0; i < info.Hidden.Length; i++)
        {
            layers.Add(new Linear(_workspace, Parameters, $"layers.{i}", width, info.Hidden[i],
                Activation.Relu));
            width = info.Hidden[i];
        }
        layers.Add(new Linear(_workspace, Parameters, $"layers.{info.Hidden.Length}", width, info.Classes));
        _network = new Sequential(layers);
        _input = _workspace.Batch(info.InputDim);
        _hostImages = new float[MaxBatch * info.InputDim];
        _hostLogits = new float[MaxBatch * info.Classes];
        _hostLabels = new int[MaxBatch];
    }

    /// <summary>The device it runs on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>What it was trained on and how well it did (classifier.json).</summary>
    public ClassifierInfo Info { get; private set; }

    /// <summary>The dataset it was trained on.</summary>
    public string Dataset => Info.Dataset;

    /// <summary>Its accuracy on the dataset's test split, measured after training.</summary>
    public double TestAccuracy => Info.TestAccuracy;

    /// <summary>Pixels per input image.</summary>
    public int InputDim => Info.InputDim;

    /// <summary>Features per image: the width of the last hidden layer.</summary>
    public int FeatureDim => Info.Hidden[^1];

    /// <summary>Number of classes (logits).</summary>
    public int Classes => Info.Classes;

    /// <summary>Weights and biases (names layers.{i}.weight/bias, nn.Linear layout).</summary>
    public ParameterArena Parameters { get; }

    private Optimizer Optimizer { get; }

    /// <summary>The parameter table of an MLP of these sizes, in arena order.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ParameterShapes(int inputDim, int[] hidden,
        int classes)
    {
        int width = inputDim;
        for (int i = 0; i <= hidden.Length; i++)
        {
            int output = i < hidden.Length ? hidden[i] : classes;
            foreach (var entry in Linear.ParameterShapes($"layers.{i}", width, output)) yield return entry;
            width = output;
        }
    }

    /// <summary>Writes the predicted class of each of n device images (n x InputDim, in [0, 1]).</summary>
    public void Predict(BufferView<float> images, int n, Span<int> classes)
    {
        CheckImages(images, n);
        if (classes.Length < n) throw new ArgumentException($"{classes.Length} slots for {n} predictions",
            nameof(classes));
        for (int start = 0; start < n; start += MaxBatch)
        {
            int count = Math.Min(MaxBatch, n - start);
            PredictChunk(images.Slice(start * InputDim, count * InputDim), count, classes.Slice(start,
                count));
        }
    }

    /// <summary>Writes the features (n x FeatureDim, row-major, host) of n device images (n x
    /// InputDim) and, when <paramref name="classes"/> is not empty, their predicted classes (from the
    /// same pass: the logits layer runs on the features).</summary>
    public void Features(BufferView<float> images, int n, Span<float> features, Span<int> classes = default)
    {
        CheckImages(images, n);
        if (features.Length < (long)n * FeatureDim)
            throw new ArgumentException($"{features.Length} floats for {n} x {FeatureDim} features",
                nameof(features));
        if (!classes.IsEmpty && classes.Length < n)
            throw new ArgumentException($"{classes.Length} slots for {n} predictions", nameof(classes));
        for (int start = 0; start < n; start += MaxBatch)
        {
            int count = Math.Min(MaxBatch, n - start);
            var hidden = ForwardHidden(new Tensor(images.Slice(start * InputDim, count * InputDim), count,
                InputDim));
            Accelerator.CopyToHost(hidden.View, features.Slice(start * FeatureDim, count * FeatureDim));
            if (!classes.IsEmpty) ArgMax(_network.Layers[^1].Forward(hidden), classes.Slice(start, count));
        }
    }

    /// <summary>The share of a host split's images predicted as each class (Classes values, sum 1).
    /// </summary>
    public double[] ClassShares(DataSplit split)
    {
        var tally = new ClassTally(Classes);
        tally.Add(PredictSplit(split));
        return tally.Shares();
    }

    /// <summary>Writes the features of images [start, start + n) of a host split (n x FeatureDim).</summary>
    public void Features(DataSplit split, int start, int n, Span<float> features)
    {
        CheckSplit(split, start, n);
        if (features.Length < (long)n * FeatureDim)
            throw new ArgumentException($"{features.Length} floats for {n} x {FeatureDim} features",
                nameof(features));
        for (int done = 0; done < n; done += MaxBatch)
        {
            int count = Math.Min(MaxBatch, n - done);
            var hidden = ForwardHidden(Upload(split, start + done, count));
            Accelerator.CopyToHost(hidden.View, features.Slice(done * FeatureDim, count * FeatureDim));
        }
    }

    /// <summary>The share of a host split's images whose predicted class is their label.</summary>
    public double Accuracy(DataSplit split)
    {
        var predicted = PredictSplit(split);
        long correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == split.Labels[i]) correct++;
        return (double)correct / split.Count;
    }

    /// <summary>The predicted class of every image of a host split, in chunks of MaxBatch.</summary>
    private int[] PredictSplit(DataSplit split)
    {
        CheckSplit(split, 0, split.Count);
        var predicted = new int[split.Count];
        for (int start = 0; start < split.Count; start += MaxBatch)
        {
            int count = Math.Min(MaxBatch, split.Count - start);
            PredictChunk(Upload(split, start, count).View, count, predicted.AsSpan(start, count));
        }
        return predicted;
    }

    /// <summary>Frees the device buffers.</summary>
    public void Dispose()
    {
        _workspace.Dispose();
        Parameters.Dispose();
    }

    private void PredictChunk(BufferView<float> images, int count, Span<int> classes) =>
        ArgMax(_network.Forward(new Tensor(images, count, InputDim)), classes);

    /// <summary>The predicted class of each row of device logits (rows, Classes).</summary>
    private void ArgMax(Tensor logits, Span<int> classes)
    {
        var host = _hostLogits.AsSpan(0, logits.Rows * Classes);
        Accelerator.CopyToHost(logits.View, host);
        SoftmaxCrossEntropy.ArgMax(host, logits.Rows, Classes, classes);
    }

    /// <summary>Runs the hidden layers only; returns the last one's output (count, FeatureDim).</summary>
    private Tensor ForwardHidden(Tensor input)
    {
        var x = input;
        for (int i = 0; i < _network.Layers.Count - 1; i++) x = _network.Layers[i].Forward(x);
        return x;
    }

    /// <summary>Scales images [start, start + count) of a split to [0, 1] and uploads them.</summary>
    private Tensor Upload(DataSplit split, int start, int count)
    {
        var pixels = split.Images.AsSpan(start * InputDim, count * InputDim);
        var staging = _hostImages.AsSpan(0, count * InputDim);
        for (int i = 0; i < pixels.Length; i++) staging[i] = pixels[i] * (1f / 255f);
        var input = _input.FirstRows(count);
        Accelerator.CopyFromHost<float>(staging, input.View);
        return input;
    }

    private void CheckImages(BufferView<float> images, int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n),
            $"image count must be positive, got {n}");
        if (images.IsEmpty || images.Length < (long)n * InputDim)
            throw new ArgumentException($"images view holds {images.Length} floats, {n} x {InputDim} needed",
                nameof(images));
    }

    private void CheckSplit(DataSplit split, int start, int n)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (split.ImageSize != InputDim)
            throw new ArgumentException(
                $"split images have {split.ImageSize} pixels, the classifier takes {InputDim}");
        if (start < 0 || n <= 0 || start + n > split.Count)
            throw new ArgumentOutOfRangeException(nameof(n),
                $"images [{start}, {start + n}) outside [0, {split.Count})");
    }
}
