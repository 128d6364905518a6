// Generated images for the digit metrics, from a VAE (decoded draws z ~ N(0, I)) or a GAN (G on
// noise uniform in [-1, 1], mapped to [0, 1] on the device), with every buffer allocated once. Draw k
// takes DrawRows rows from Sample stream counter + k (eval's DrawRows is its model's MaxBatch, 500),
// which the model then runs MaxBatch rows at a time: a training model of 128 rows sees the very images
// that eval's 500-row model does (each image's row is computed as if alone). A conditional model's
// image i asks for class i mod Classes, so both families are judged on the same footing.
using VaeGpu.Kernels;
using VaeGpu.Layers;

namespace VaeGpu.Runner.Evaluation;

/// <summary>Images in [0, 1] on the device from a trained VAE or GAN.</summary>
internal sealed class ImageSource : IDisposable
{
    private readonly VaeModel? _vae;
    private readonly GanModel? _gan;
    private readonly Accelerator _acc;
    private readonly int _width;                  // latent or noise columns
    private readonly DeviceBuffer<float> _z;      // (DrawRows, width)
    private readonly DeviceBuffer<float>? _labels; // (MaxBatch, C), conditional models
    private readonly DeviceBuffer<float>? _images; // (MaxBatch, D), a GAN's images in [0, 1]
    private readonly float[] _oneHot;              // host staging of labels

    /// <summary>Draws of a VAE's decoder, MaxBatch rows a draw.</summary>
    public ImageSource(VaeModel model)
        : this(model.Accelerator, model.MaxBatch, model.MaxBatch, model.Config.Latent,
            model.Config.Kind == ModelKind.Cvae ? model.Config.Classes : 0, 0) => _vae = model;

    /// <summary>Draws of a GAN's generator, <paramref name="drawRows"/> rows a draw (default MaxBatch).
    /// </summary>
    public ImageSource(GanModel model, int drawRows = 0)
        : this(model.Accelerator, model.MaxBatch, drawRows > 0 ? drawRows : model.MaxBatch,
            model.Config.Noise, model.Config.IsConditional ? model.Config.Classes : 0,
            model.Config.InputDim) => _gan = model;

    private ImageSource(Accelerator acc, int maxBatch, int drawRows, int width, int classes, int ganPixels)
    {
        _acc = acc;
        MaxBatch = maxBatch;
        DrawRows = drawRows;
        Classes = classes;
        _width = width;
        _z = acc.Allocate<float>(drawRows * width);
        _labels = classes > 0 ? acc.Allocate<float>(maxBatch * classes) : null;
        _images = ganPixels > 0 ? acc.Allocate<float>(maxBatch * ganPixels) : null;
        _oneHot = new float[maxBatch * Math.Max(classes, 1)];
    }

    /// <summary>Rows per chunk handed to the caller.</summary>
    public int MaxBatch { get; }

    /// <summary>Rows per draw of the random stream.</summary>
    public int DrawRows { get; }

    /// <summary>Classes of a conditional model, else 0.</summary>
    public int Classes { get; }

    /// <summary>Generates count images; calls use(images on the device, first index, rows) per chunk.
    /// </summary>
    public void Generate(int count, long counter, Action<BufferView<float>, int, int> use)
    {
        for (int first = 0, draw = 0; first < count; first += DrawRows, draw++)
        {
            int drawn = Math.Min(DrawRows, count - first);
            if (_vae is not null) _vae.SampleLatent(_z.View, drawn, counter + draw);
            else _gan!.SampleNoise(_z.View, drawn, counter + draw);
            for (int offset = 0; offset < drawn; offset += MaxBatch)
            {
                int start = first + offset, rows = Math.Min(MaxBatch, drawn - offset);
                var z = _z.Slice(offset * _width, rows * _width);
                var labels = Labels(start, rows);
                if (_vae is not null)
                {
                    use(_vae.Decode(z, labels, rows).View, start, rows); // (rows, D) sigmoid
                    continue;
                }
                var images = _gan!.Generate(z, labels, rows);                         // (rows, D) in [-1, 1]
                _acc.Affine(images.View, _images!.View, images.Length, 0.5f, 0.5f); // -> [0, 1]
                use(_images.View, start, rows);
            }
        }
    }

    // One-hot labels of images [start, start + rows) on the device (class i mod Classes), or none.
    private BufferView<float> Labels(int start, int rows)
    {
        if (_labels is null) return default;
        Array.Clear(_oneHot);
        for (int row = 0; row < rows; row++) _oneHot[row * Classes + (start + row) % Classes] = 1;
        _acc.CopyFromHost<float>(_oneHot.AsSpan(0, rows * Classes), _labels.Slice(0, rows * Classes));
        return _labels.View;
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        _z.Dispose();
        _labels?.Dispose();
        _images?.Dispose();
    }
}
