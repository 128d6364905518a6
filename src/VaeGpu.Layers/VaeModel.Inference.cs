// Forward-only uses of the model: test-set evaluation (losses accumulated on the device), encoding
// to (mu, logvar) for latent plots, decoding z to logits or images for samples and manifolds.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

public sealed partial class VaeModel
{
    /// <summary>
    /// Forward only on a batch, adding its reconstruction and KL sums to the evaluation totals. With
    /// <paramref name="sampleEps"/> eps comes from stream Eval(EvalCounter++), else z = mu.
    /// </summary>
    public void Evaluate(BufferView<float> input, BufferView<float> labels, int batch, bool sampleEps)
    {
        var (x, y) = CheckBatch(input, labels, batch);
        bool sample = sampleEps && Config.IsVariational;
        SetTraining(false);
        var logits = ForwardCore(x, y, sample, sample ? RngStreams.Eval(EvalCounter++) : 0);
        var reconRows = _reconRows.FirstRows(batch);
        ReconstructionLoss(logits, x, reconRows, default, 1f);
        Accelerator.SumInto(reconRows.View, batch, _lossSums.Slice(EvalRecon, 1));
        if (_logvarHead is not null)
        {
            var klRows = _klRows.FirstRows(batch);
            Accelerator.KlDivergence(_muHead.Output.View, _logvarHead.Output.View, batch, Config.Latent,
                klRows.View, default, default, 1f);
            Accelerator.SumInto(klRows.View, batch, _lossSums.Slice(EvalKl, 1));
        }
        _evalCount += batch;
    }

    /// <summary>
    /// Encodes a batch: returns views of mu (batch, Latent) and logvar (batch, Latent; empty for ae), valid
    /// until the model's next call.
    /// </summary>
    public (Tensor Mu, Tensor Logvar) Encode(BufferView<float> input, BufferView<float> labels, int batch)
    {
        var (x, y) = CheckBatch(input, labels, batch);
        SetTraining(false);
        var mu = Encode(x, y, out var logvar);
        return (mu, logvar);
    }

    /// <summary>
    /// Decodes z (batch, Latent) [+ one-hot labels for a cvae]: returns a view of the logits (batch,
    /// InputDim),
    /// or of the images sigmoid(logits) when <paramref name="images"/>; valid until the model's next call.
    /// </summary>
    public Tensor Decode(BufferView<float> z, BufferView<float> labels, int batch, bool images = true)
    {
        if (batch <= 0 || batch > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"batch must be in [1, {MaxBatch}], got {batch}");
        if (z.IsEmpty || z.Length < (long)batch * Config.Latent)
            throw new ArgumentException(
                $"z view holds {z.Length} floats, batch {batch} x {Config.Latent} needed", nameof(z));
        Tensor y = default;
        if (Config.Kind == ModelKind.Cvae)
        {
            if (labels.IsEmpty || labels.Length < (long)batch * Config.Classes)
                throw new ArgumentException(
                    $"a cvae needs one-hot labels of batch {batch} x {Config.Classes}", nameof(labels));
            y = new Tensor(labels, batch, Config.Classes);
        }
        else if (!labels.IsEmpty)
        {
            throw new ArgumentException($"a {Config.Kind} model takes no labels", nameof(labels));
        }
        SetTraining(false);
        var logits = DecodeLogits(new Tensor(z, batch, Config.Latent), y);
        if (!images) return logits;
        var result = _images.FirstRows(batch);
        Accelerator.ActivationForward(Activation.Sigmoid, logits.View, result.View, logits.Length);
        return result;
    }

    /// <summary>
    /// Fills z (rows, Latent) with standard normals from stream Sample(counter) of the model's seed.
    /// </summary>
    public void SampleLatent(BufferView<float> z, int rows, long counter)
    {
        if (rows <= 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"rows must be positive, got {rows}");
        Accelerator.FillNormal(z, rows * Config.Latent, Config.Seed, RngStreams.Sample(counter));
    }
}
