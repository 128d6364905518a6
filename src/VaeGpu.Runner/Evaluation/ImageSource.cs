// Generated images for the digit metrics, from a VAE (decoded draws z ~ N(0, I)) or a GAN (G on
// noise uniform in [-1, 1], mapped to [0, 1] on the device), in chunks of MaxBatch with every buffer
// allocated once. Chunk k draws from Sample stream counter + k; a conditional model's image i asks
// for class i mod Classes, so both families are judged on the same footing.
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
    private readonly DeviceBuffer<float> _z;      // (MaxBatch, width)
    private readonly DeviceBuffer<float>? _labels; // (MaxBatch, C), conditional models
    private readonly DeviceBuffer<float>? _images; // (MaxBatch, D), a GAN's images in [0, 1]
    private readonly float[] _oneHot;              // host staging of labels

    /// <summary>Draws of a VAE's decoder.</summary>
    public ImageSource(VaeModel model)
        : this(model.Accelerator, model.MaxBatch, model.Config.Latent,
            model.Config.Kind == ModelKind.Cvae ? model.Config.Classes : 0, 0) => _vae = model;

    /// <summary>Draws of a GAN's generator.</summary>
    public ImageSource(GanModel model)
        : this(model.Accelerator, model.MaxBatch, model.Config.Noise,
            model.Config.IsConditional ? model.Config.Classes : 0, model.Config.InputDim) => _gan = model;

    private ImageSource(Accelerator acc, int maxBatch, int width, int classes, int ganPixels)
    {
        _acc = acc;
        MaxBatch = maxBatch;
        Classes = classes;
        _width = width;
        _z = acc.Allocate<float>(maxBatch * width);
        _labels = classes > 0 ? acc.Allocate<float>(maxBatch * classes) : null;
        _images = ganPixels > 0 ? acc.Allocate<float>(maxBatch * ganPixels) : null;
        _oneHot = new float[maxBatch * Math.Max(classes, 1)];
    }

    /// <summary>Rows per chunk.</summary>
    public int MaxBatch { get; }

    /// <summary>Classes of a conditional model, else 0.</summary>
    public int Classes { get; }

    /// <summary>Generates count images; calls use(images on the device, first index, rows) per chunk.
    /// </summary>
    public void Generate(int count, long counter, Action<BufferView<float>, int, int> use)
    {
        for (int start = 0, chunk = 0; start < count; start += MaxBatch, chunk++)
        {
            int rows = Math.Min(MaxBatch, count - start);
            if (_labels is not null)
            {
                Array.Clear(_oneHot);
                for (int row = 0; row < rows; row++) _oneHot[row * Classes + (start + row) % Classes] = 1;
                _acc.CopyFromHost<float>(_oneHot.AsSpan(0, rows * Classes),
                    _labels.Slice(0, rows * Classes));
            }
            var labels = _labels?.View ?? default;
            if (_vae is not null)
            {
                _vae.SampleLatent(_z.View, rows, counter + chunk);
                use(_vae.Decode(_z.View, labels, rows).View, start, rows); // (rows, D) sigmoid
                continue;
            }
            _gan!.SampleNoise(_z.View, rows, counter + chunk);
            var images = _gan.Generate(_z.Slice(0, rows * _width), labels, rows); // (rows, D) in [-1, 1]
            _acc.Affine(images.View, _images!.View, images.Length, 0.5f, 0.5f);   // -> [0, 1]
            use(_images.View, start, rows);
        }
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        _z.Dispose();
        _labels?.Dispose();
        _images?.Dispose();
    }
}
