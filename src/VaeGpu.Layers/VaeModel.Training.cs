// Forward, loss and the model's hand-written backward (the layers' backwards called in reverse),
// then one optimizer launch. No host round trip and no managed allocation inside a step: losses
// accumulate into a device buffer that ReadAndResetLosses reads once per logging interval.
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

public sealed partial class VaeModel
{
    /// <summary>
    /// One training step on input (batch, InputDim) in [0,1] and, for a cvae, one-hot labels (batch,
    /// Classes):
    /// gradients of the batch-mean loss, then an optimizer update. settings.Step is ignored: the model
    /// counts.
    /// </summary>
    public void TrainStep(BufferView<float> input, BufferView<float> labels, int batch, float klWeight,
        in OptimizerParams settings)
    {
        ComputeGradients(input, labels, batch, klWeight);
        Optimizer.Step(settings);
    }

    /// <summary>
    /// Zeroes the gradients, then forward (eps from stream Train(StepCount)), loss and backward, leaving
    /// dL/dparameters of L = mean over the batch of (recon + klWeight KL) in the gradient arena; the
    /// losses are added to the training sums. Does not update parameters.
    /// </summary>
    public void ComputeGradients(BufferView<float> input, BufferView<float> labels, int batch, float klWeight)
    {
        var (x, y) = CheckBatch(input, labels, batch);
        if (!float.IsFinite(klWeight) || klWeight < 0)
            throw new ArgumentOutOfRangeException(nameof(klWeight),
                $"KL weight must be finite and >= 0, got {klWeight}");
        Parameters.ZeroGradients();
        SetTraining(true);
        float scale = 1f / batch;
        Tensor logits;
        if (_logvarHead is null)
        {
            logits = ForwardCore(x, y, sample: false, 0);
        }
        else
        {
            // Forward with the KL term fused into the sampling (one op; ForwardCore with sample: true,
            // then KlDivergence, give the same values). dmu and dlogvar are assigned here; the
            // reparameterization's backward adds to them below.
            var mu = Encode(x, y, out var logvar);
            var z = _z.FirstRows(batch);
            var klRows = _klRows.FirstRows(batch);
            Accelerator.ReparameterizeKl(mu.View, logvar.View, batch, Config.Latent,
                _eps.FirstRows(batch).View, z.View, Config.Seed, RngStreams.Train(StepCount), klRows.View,
                _muHead.OutputGrad.View, _logvarHead.OutputGrad.View, klWeight * scale);
            Accelerator.SumInto(klRows.View, batch, _lossSums.Slice(TrainKl, 1));
            logits = DecodeLogits(z, y);
        }
        var reconRows = _reconRows.FirstRows(batch);
        ReconstructionLoss(logits, x, reconRows, _decoder.OutputGrad.View, scale);
        Accelerator.SumInto(reconRows.View, batch, _lossSums.Slice(TrainRecon, 1));
        _trainCount += batch;
        BackwardCore(batch);
    }

    /// <summary>Reads the training loss sums since the last call and zeroes them (one device read).</summary>
    public LossTotals ReadAndResetLosses() => ReadAndReset(TrainRecon, ref _trainCount);

    /// <summary>
    /// Reads the evaluation loss sums since the last call and zeroes them (one device read).
    /// </summary>
    public LossTotals ReadAndResetEvalLosses() => ReadAndReset(EvalRecon, ref _evalCount);

    private LossTotals ReadAndReset(int first, ref long count)
    {
        Accelerator.CopyToHost(_lossSums.View, _lossHost);
        var totals = new LossTotals(_lossHost[first], _lossHost[first + 1], count);
        Accelerator.Fill(_lossSums.Slice(first, 2), 0);
        count = 0;
        return totals;
    }

    /// <summary>
    /// Forward pass; returns the logits (B, D). Encoder input concat and decoder input concat for a cvae.
    /// </summary>
    private Tensor ForwardCore(Tensor x, Tensor labels, bool sample, ulong stream)
    {
        var mu = Encode(x, labels, out var logvar);
        int batch = x.Rows, l = Config.Latent;
        var z = mu;                                   // (B, L); ae, or variational with z = mu
        if (sample && !logvar.IsEmpty)
        {
            z = _z.FirstRows(batch);
            Accelerator.ReparameterizeForward(mu.View, logvar.View, _eps.FirstRows(batch).View, z.View,
                batch * l, Config.Seed, stream);
        }
        return DecodeLogits(z, labels);
    }

    /// <summary>Encoder forward: returns mu (B, L) and logvar (B, L; empty for ae).</summary>
    private Tensor Encode(Tensor x, Tensor labels, out Tensor logvar)
    {
        var features = _encoderFront is null ? x : _encoderFront.Forward(x); // (B, D) or conv (B, F)
        var input = features;                         // (B, D|F) or (B, D|F + C)
        if (!labels.IsEmpty)
        {
            input = _encoderInput.FirstRows(x.Rows);
            Accelerator.ConcatColumns(features.View, features.Cols, labels.View, labels.Cols, x.Rows,
                input.View);
        }
        var h = _encoder is null ? input : _encoder.Forward(input); // (B, H_last)
        var mu = _muHead.Forward(h);
        logvar = _logvarHead is null ? default : _logvarHead.Forward(h);
        return mu;
    }

    /// <summary>Decoder forward from z (B, L): returns logits (B, D).</summary>
    private Tensor DecodeLogits(Tensor z, Tensor labels)
    {
        var input = z;                                // (B, L) or (B, L + C)
        if (!labels.IsEmpty)
        {
            input = _decoderInput.FirstRows(z.Rows);
            Accelerator.ConcatColumns(z.View, z.Cols, labels.View, labels.Cols, z.Rows, input.View);
        }
        return _decoder.Forward(input);
    }

    private void ReconstructionLoss(Tensor logits, Tensor x, Tensor rows, BufferView<float> dlogits,
        float scale)
    {
        if (Config.Recon == Layers.ReconstructionLoss.Bce)
            Accelerator.BceWithLogits(logits.View, x.View, x.Rows, x.Cols, rows.View, dlogits, scale);
        else
            Accelerator.MseOnSigmoid(logits.View, x.View, x.Rows, x.Cols, rows.View, dlogits, scale);
    }

    /// <summary>
    /// The model's backward, by hand in reverse order. Expects dlogits (decoder OutputGrad) and, for a
    /// variational model, dmu/dlogvar holding the KL gradients.
    /// </summary>
    private void BackwardCore(int batch)
    {
        int l = Config.Latent;
        bool cvae = Config.Kind == ModelKind.Cvae;
        // dz (B, L): for ae, z = mu, so the decoder writes straight into dmu (assign).
        var dz = _logvarHead is null ? _muHead.OutputGrad : _zGrad.FirstRows(batch);
        if (cvae)
        {
            var dDecoderInput = _decoderInputGrad.FirstRows(batch); // (B, L + C)
            _decoder.Backward(dDecoderInput);
            Accelerator.CopyColumns(dDecoderInput.View, batch, l + Config.Classes, 0, dz.View, l, 0, l);
        }
        else
        {
            _decoder.Backward(dz);
        }
        if (_logvarHead is not null)
            Accelerator.ReparameterizeBackward(dz.View, _eps.FirstRows(batch).View, _logvarHead.Output.View,
                _muHead.OutputGrad.View, _logvarHead.OutputGrad.View, batch * l);
        // The encoder's top output feeds both heads: the first assigns dh, the second adds to it.
        var dh = _encoder is null ? default : _encoder.OutputGrad;
        _muHead.Backward(dh);
        _logvarHead?.Backward(dh, accumulateInputGrad: true);
        if (_encoderFront is null)
        {
            _encoder?.Backward(default); // the input needs no gradient
            return;
        }
        var dFeatures = _encoderFront.OutputGrad;     // (B, F)
        if (cvae)
        {
            int f = _encoderFront.OutputSize;
            var dInput = _encoderInputGrad.FirstRows(batch); // (B, F + C)
            _encoder!.Backward(dInput);
            Accelerator.CopyColumns(dInput.View, batch, f + Config.Classes, 0, dFeatures.View, f, 0, f);
        }
        else
        {
            _encoder!.Backward(dFeatures);
        }
        _encoderFront.Backward(default);
    }

    private (Tensor X, Tensor Labels) CheckBatch(BufferView<float> input, BufferView<float> labels, int batch)
    {
        if (batch <= 0 || batch > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"batch must be in [1, {MaxBatch}], got {batch}");
        if (input.IsEmpty) throw new ArgumentException("input images are required", nameof(input));
        if (input.Length < (long)batch * Config.InputDim)
            throw new ArgumentException(
                $"input view holds {input.Length} floats, batch {batch} x {Config.InputDim} needed",
                nameof(input));
        var x = new Tensor(input, batch, Config.InputDim);
        if (Config.Kind != ModelKind.Cvae)
        {
            if (!labels.IsEmpty)
                throw new ArgumentException($"a {Config.Kind} model takes no labels", nameof(labels));
            return (x, default);
        }
        if (labels.IsEmpty) throw new ArgumentException("a cvae needs one-hot labels", nameof(labels));
        if (labels.Length < (long)batch * Config.Classes)
            throw new ArgumentException(
                $"labels view holds {labels.Length} floats, batch {batch} x {Config.Classes} needed",
                nameof(labels));
        return (x, new Tensor(labels, batch, Config.Classes));
    }
}
