// One GAN training step, all on the device: D on a real batch (target 1) and a fake batch (target 0),
// one D update over D's slice of the arena; then G on fresh noise through D (target 1, the
// non-saturating loss; for the lsgan squared errors), one G update over G's slice. Loss sums and the
// means of sigmoid(D) accumulate on the device and are read once per logging interval. Without batch
// norm (PairsPasses) the passes are paired: G runs once on both noise batches, D once on the real
// and the fake batch. The backward passes assign the gradients instead of adding to zeros (the dcgan's
// D pass on the real batch assigns, the one on the fake batch adds).
using VaeGpu.Kernels;

namespace VaeGpu.Layers;

public sealed partial class GanModel
{
    /// <summary>
    /// One step on real images (batch, InputDim) in [0, 1] (and one-hot labels for a cgan): D's gradients
    /// and update, then G's gradients and update. settings.Step is ignored: the model counts.
    /// </summary>
    public void TrainStep(BufferView<float> images, BufferView<float> labels, int batch,
        in OptimizerParams settings)
    {
        var y = CheckBatch(labels, batch);
        CheckImages(images, batch);
        // Paired: G does not change in D's update, so both fake batches come from one forward pass of 2B
        // rows, rows [0, B) from G's noise stream and [B, 2B) from D's, each row as a pass of its own.
        var both = PairsPasses ? GeneratePair(y, batch) : default;
        var fakeD = PairsPasses ? new Tensor(both.View.Slice(batch * both.Cols, batch * both.Cols), batch,
            both.Cols) : GenerateCore(y, batch, RngStreams.DiscriminatorNoise(StepCount));
        DiscriminatorGradients(images, y, batch, fakeD);
        StepDiscriminator(settings);
        if (PairsPasses) _generator.KeepFirstRows(batch); // G's backward covers the G batch
        var fakeG = PairsPasses ? both.FirstRows(batch)
            : GenerateCore(y, batch, RngStreams.GeneratorNoise(StepCount));
        GeneratorGradients(y, batch, fakeG);
        StepGenerator(settings);
        StepCount++;
    }

    /// <summary>
    /// Zeroes D's gradients and leaves dL_D/dD in D's part of the gradient arena, for L_D = mean loss of
    /// D(real) against 1 plus mean loss of D(G(z)) against 0, z uniform in [-1, 1) from stream
    /// DiscriminatorNoise(StepCount). Adds d_loss, d_real and d_fake to the sums.
    /// </summary>
    public void ComputeDiscriminatorGradients(BufferView<float> images, BufferView<float> labels, int batch)
    {
        var y = CheckBatch(labels, batch);
        CheckImages(images, batch);
        var fake = GenerateCore(y, batch, RngStreams.DiscriminatorNoise(StepCount));
        DiscriminatorGradients(images, y, batch, fake);
    }

    // D's gradients on real images and on the given fakes (batch, D).
    private void DiscriminatorGradients(BufferView<float> images, Tensor y, int batch, Tensor fake)
    {
        if (PairsPasses)
        {
            // One pass over 2B rows, real then fake, targets 1 then 0; gradients assigned, not zeroed
            // and added. The weight gradients then sum the 2B rows in one product (not two of B).
            int d = Config.InputDim, half = batch * d;
            var both = _real.FirstRows(2 * batch);
            Accelerator.Affine(images, both.View.Slice(0, half), half, 2f, -1f); // [0, 1] -> [-1, 1]
            Accelerator.Copy(fake.View.Slice(0, half), both.View.Slice(half, half));
            var targets = _realFake.FirstRows(2 * batch);
            Accelerator.Fill(targets.View.Slice(0, batch), 1);
            Accelerator.Fill(targets.View.Slice(batch, batch), 0);
            DiscriminatorPass(both, y, targets, DReal, DLoss, batch);
            _discriminator.Backward(default, assignParameterGradients: true);
            _count += batch;
            return;
        }
        var real = _real.FirstRows(batch);
        Accelerator.Affine(images, real.View, real.Length, 2f, -1f); // [0, 1] -> [-1, 1]
        DiscriminatorPass(real, y, _ones, DReal, DLoss);
        _discriminator.Backward(default, assignParameterGradients: true); // the same bits as 0 + dW
        DiscriminatorPass(fake, y, _zeros, DFake, DLoss);
        _discriminator.Backward(default);
        _count += batch;
    }

    /// <summary>
    /// Zeroes G's gradients and leaves dL_G/dG in G's part of the gradient arena, for L_G = mean loss of
    /// D(G(z)) against 1 with fresh z from stream GeneratorNoise(StepCount); adds g_loss to the sums.
    /// D is frozen meanwhile: its gradients are left as they were and not computed (as with PyTorch's
    /// requires_grad_(False) on D), only dL/dfake passes through it.
    /// </summary>
    public void ComputeGeneratorGradients(BufferView<float> labels, int batch)
    {
        var y = CheckBatch(labels, batch);
        GeneratorGradients(y, batch, GenerateCore(y, batch, RngStreams.GeneratorNoise(StepCount)));
    }

    // G's gradients through D for the fakes (batch, D) of G's last forward pass (which covered batch rows).
    private void GeneratorGradients(Tensor y, int batch, Tensor fake)
    {
        DiscriminatorPass(fake, y, _ones, -1, GLoss);
        _discriminator.SetFrozen(true);
        try
        {
            if (y.IsEmpty)
            {
                _discriminator.Backward(_generator.OutputGrad); // dL/dfake (B, D) straight into G's top
            }
            else
            {
                var dInput = _dInputGrad.FirstRows(batch); // (B, D + C); the label columns are dropped
                _discriminator.Backward(dInput);
                Accelerator.CopyColumns(dInput.View, batch, dInput.Cols, 0, _generator.OutputGrad.View,
                    Config.InputDim, 0, Config.InputDim);
            }
        }
        finally
        {
            _discriminator.SetFrozen(false);
        }
        _generator.Backward(default, assignParameterGradients: true); // the noise needs no gradient
    }

    /// <summary>One optimizer update of D's parameters from D's gradients.</summary>
    public void StepDiscriminator(in OptimizerParams settings) =>
        Accelerator.OptimizerStep(settings with { Step = StepCount + 1 },
            DiscriminatorSlice(Parameters.Values),
            DiscriminatorSlice(Parameters.Gradients), DiscriminatorSlice(Parameters.State1),
            DiscriminatorSlice(Parameters.State2), DiscriminatorCount);

    /// <summary>One optimizer update of G's parameters from G's gradients.</summary>
    public void StepGenerator(in OptimizerParams settings) =>
        Accelerator.OptimizerStep(settings with { Step = StepCount + 1 }, GeneratorSlice(Parameters.Values),
            GeneratorSlice(Parameters.Gradients), GeneratorSlice(Parameters.State1),
            GeneratorSlice(Parameters.State2), GeneratorCount);

    /// <summary>Reads the sums since the last call and zeroes them (one device read).</summary>
    public GanLosses ReadAndResetLosses()
    {
        Accelerator.CopyToHost(_lossSums.View, _lossHost);
        var losses = new GanLosses(_lossHost[DLoss], _lossHost[GLoss], _lossHost[DReal], _lossHost[DFake],
            _count);
        Accelerator.Fill(_lossSums, 0);
        _count = 0;
        return losses;
    }

    /// <summary>The generator's part of an arena-shaped buffer.</summary>
    public BufferView<float> GeneratorSlice(DeviceBuffer<float> arena) => arena.Slice(0, GeneratorCount);

    /// <summary>The discriminator's part of an arena-shaped buffer.</summary>
    public BufferView<float> DiscriminatorSlice(DeviceBuffer<float> arena) =>
        arena.Slice(GeneratorCount, DiscriminatorCount);

    /// <summary>
    /// D forward on images (R, D) [+ labels of batch rows, repeated for each batch of rows], its loss
    /// against targets (R, 1) into sums[lossSlot] and the gradient dL/dlogits (scaled 1/batch) into D's
    /// OutputGrad; sum sigmoid(D) of rows [0, batch) into sums[probabilitySlot] and, for a paired pass
    /// (R = 2 batch: real then fake), of rows [batch, 2 batch) into sums[DFake].
    /// </summary>
    private void DiscriminatorPass(Tensor images, Tensor labels, Tensor targets, int probabilitySlot,
        int lossSlot, int batch = 0)
    {
        int rows = images.Rows;
        if (batch == 0) batch = rows;
        var logits = _discriminator.Forward(JoinLabels(images, labels, _dInput)); // (R, 1)
        var rowLoss = _rowLoss.FirstRows(rows);
        var t = targets.FirstRows(rows).View;
        if (Config.Kind == ModelKind.Lsgan)
            Accelerator.SquaredError(logits.View, t, rows, 1, rowLoss.View, _discriminator.OutputGrad.View,
                1f / batch);
        else
            Accelerator.BceWithLogits(logits.View, t, rows, 1, rowLoss.View, _discriminator.OutputGrad.View,
                1f / batch);
        Accelerator.SumInto(rowLoss.View, rows, _lossSums.Slice(lossSlot, 1));
        if (probabilitySlot < 0) return;
        var p = _probability.FirstRows(rows);
        Accelerator.ActivationForward(Activation.Sigmoid, logits.View, p.View, rows);
        Accelerator.SumInto(p.View.Slice(0, batch), batch, _lossSums.Slice(probabilitySlot, 1));
        if (rows > batch) Accelerator.SumInto(p.View.Slice(batch, batch), batch, _lossSums.Slice(DFake, 1));
    }

    /// <summary>G forward on uniform noise of (Seed, stream) [+ labels]; returns (B, D) in [-1, 1].
    /// </summary>
    private Tensor GenerateCore(Tensor labels, int batch, ulong stream)
    {
        // Batch norm in training mode needs two images per channel for its unbiased running variance
        // (PyTorch refuses one too: "Expected more than 1 value per channel when training").
        if (Config.IsConvolutional && batch < 2)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"a dcgan training step needs a batch of at least 2 (batch norm), got {batch}");
        _generator.SetTraining(true); // batch statistics; the running ones move (PyTorch's train())
        var z = _noise.FirstRows(batch);
        Accelerator.FillUniform(z.View, z.Length, -1f, 1f, Config.Seed, stream);
        return GenerateFrom(z, labels);
    }

    /// <summary>G in training mode on 2 batch rows of noise: rows [0, batch) from stream
    /// GeneratorNoise(StepCount), rows [batch, 2 batch) from DiscriminatorNoise(StepCount) [+ labels,
    /// the same for both halves]; returns the (2 batch, D) images.</summary>
    private Tensor GeneratePair(Tensor labels, int batch)
    {
        _generator.SetTraining(true);
        int n = Config.Noise;
        var z = _noise.FirstRows(2 * batch);
        Accelerator.FillUniform(z.View.Slice(0, batch * n), batch * n, -1f, 1f, Config.Seed,
            RngStreams.GeneratorNoise(StepCount));
        Accelerator.FillUniform(z.View.Slice(batch * n, batch * n), batch * n, -1f, 1f, Config.Seed,
            RngStreams.DiscriminatorNoise(StepCount));
        return GenerateFrom(z, labels);
    }

    private Tensor GenerateFrom(Tensor z, Tensor labels) =>
        _generator.Forward(JoinLabels(z, labels, _gInput));

    /// <summary>x (R, cols) alone without labels; else x with the one-hot labels (batch, C) appended to
    /// its rows in destination, the labels repeated for every batch of rows (R = batch or 2 batch).
    /// </summary>
    private Tensor JoinLabels(Tensor x, Tensor labels, Tensor destination)
    {
        if (labels.IsEmpty) return x;
        var joined = destination.FirstRows(x.Rows);
        int batch = labels.Rows;
        for (int first = 0; first < x.Rows; first += batch)
            Accelerator.ConcatColumns(x.View.Slice(first * x.Cols, batch * x.Cols), x.Cols, labels.View,
                labels.Cols, batch, joined.View.Slice(first * joined.Cols, batch * joined.Cols));
        return joined;
    }

    private Tensor CheckBatch(BufferView<float> labels, int batch)
    {
        if (batch <= 0 || batch > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"batch must be in [1, {MaxBatch}], got {batch}");
        if (!Config.IsConditional)
        {
            if (!labels.IsEmpty)
                throw new ArgumentException($"a {Config.Kind} model takes no labels", nameof(labels));
            return default;
        }
        if (labels.IsEmpty || labels.Length < (long)batch * Config.Classes)
            throw new ArgumentException($"a cgan needs one-hot labels of batch {batch} x {Config.Classes}",
                nameof(labels));
        return new Tensor(labels, batch, Config.Classes);
    }

    private void CheckImages(BufferView<float> images, int batch)
    {
        if (images.IsEmpty || images.Length < (long)batch * Config.InputDim)
            throw new ArgumentException(
                $"images view holds {images.Length} floats, batch {batch} x {Config.InputDim} needed",
                nameof(images));
    }
}

/// <summary>GAN loss sums over <see cref="Count"/> images since the last read.</summary>
public readonly record struct GanLosses(double DLossSum, double GLossSum, double DRealSum, double DFakeSum,
    long Count)
{
    /// <summary>Mean D loss (real term plus fake term) per image.</summary>
    public double DLoss => Count > 0 ? DLossSum / Count : 0;

    /// <summary>Mean G loss per image.</summary>
    public double GLoss => Count > 0 ? GLossSum / Count : 0;

    /// <summary>Mean sigmoid(D) on real images.</summary>
    public double DReal => Count > 0 ? DRealSum / Count : 0;

    /// <summary>Mean sigmoid(D) on fake images.</summary>
    public double DFake => Count > 0 ? DFakeSum / Count : 0;
}
