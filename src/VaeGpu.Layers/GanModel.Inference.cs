// Forward-only uses of a GAN: images from noise (samples, grids, digit-FID), the noise itself from the
// Sample stream, and D's logits on images in [-1, 1] (the per-epoch D accuracy check).
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

public sealed partial class GanModel
{
    /// <summary>
    /// Fills z (rows, Noise) with uniforms in [-1, 1) from stream Sample(counter) of the model's seed.
    /// </summary>
    public void SampleNoise(BufferView<float> z, int rows, long counter)
    {
        if (rows <= 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows must be positive, got {rows}");
        Accelerator.FillUniform(z, rows * Config.Noise, -1f, 1f, Config.Seed, RngStreams.Sample(counter));
    }

    /// <summary>
    /// G in eval mode (batch norm uses its running statistics) on noise z (batch, Noise) [+ one-hot
    /// labels for a cgan]: returns a view of the images (batch, InputDim) in [-1, 1], valid until the
    /// model's next call.
    /// </summary>
    public Tensor Generate(BufferView<float> z, BufferView<float> labels, int batch)
    {
        var y = CheckBatch(labels, batch);
        if (z.IsEmpty || z.Length < (long)batch * Config.Noise)
            throw new ArgumentException(
                $"z view holds {z.Length} floats, batch {batch} x {Config.Noise} needed", nameof(z));
        _generator.SetTraining(false); // running statistics, like PyTorch's model.eval()
        return GenerateFrom(new Tensor(z, batch, Config.Noise), y);
    }

    /// <summary>
    /// D's logits (batch, 1) on images (batch, InputDim) in [-1, 1] [+ labels]; valid until the next call.
    /// </summary>
    public Tensor Discriminate(BufferView<float> images, BufferView<float> labels, int batch)
    {
        var y = CheckBatch(labels, batch);
        CheckImages(images, batch);
        return _discriminator.Forward(JoinLabels(new Tensor(images, batch, Config.InputDim), y, _dInput));
    }
}
