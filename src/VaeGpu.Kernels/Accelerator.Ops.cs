// The op set a training step needs, checked once here for every backend. Shapes are row-major and
// dense; sizes come after the buffers they describe. Gradients of parameters accumulate where an
// op says so; everything else assigns.
namespace VaeGpu.Kernels;

public abstract partial class Accelerator
{
    /// <summary>
    /// C (m x n) = act([C +] op(A) op(B) [+ bias]); bias has n elements and is added to every row.
    /// Layouts: see <see cref="GemmLayout"/>. C must not overlap A, B or bias.
    /// </summary>
    public void Gemm(GemmLayout layout, int m, int n, int k, BufferView<float> a, BufferView<float> b,
        BufferView<float> c, bool accumulate = false, BufferView<float> bias = default,
        Activation activation = Activation.Identity)
    {
        CheckPositive(m); CheckPositive(n); CheckPositive(k);
        CheckView(a, (long)m * k); CheckView(b, (long)k * n); CheckView(c, (long)m * n);
        CheckOptionalView(bias, n);
        CheckNoOverlap(c, a); CheckNoOverlap(c, b);
        if (!bias.IsEmpty) CheckNoOverlap(c, bias);
        GemmCore(layout, m, n, k, a, b, c, accumulate, bias, activation);
    }

    /// <summary>Two independent products, each as <see cref="Gemm"/> without bias or activation; a backend
    /// may run them at the same time, so neither C may overlap any operand of the other.</summary>
    public void GemmPair(GemmLayout layout1, int m1, int n1, int k1, BufferView<float> a1,
        BufferView<float> b1, BufferView<float> c1, bool accumulate1, GemmLayout layout2, int m2, int n2,
        int k2, BufferView<float> a2, BufferView<float> b2, BufferView<float> c2, bool accumulate2)
    {
        CheckPositive(m1); CheckPositive(n1); CheckPositive(k1);
        CheckPositive(m2); CheckPositive(n2); CheckPositive(k2);
        CheckView(a1, (long)m1 * k1); CheckView(b1, (long)k1 * n1); CheckView(c1, (long)m1 * n1);
        CheckView(a2, (long)m2 * k2); CheckView(b2, (long)k2 * n2); CheckView(c2, (long)m2 * n2);
        CheckNoOverlap(c1, a1); CheckNoOverlap(c1, b1); CheckNoOverlap(c2, a2); CheckNoOverlap(c2, b2);
        CheckNoOverlap(c1, a2); CheckNoOverlap(c1, b2); CheckNoOverlap(c2, a1); CheckNoOverlap(c2, b1);
        CheckNoOverlap(c2, c1);
        GemmPairCore(layout1, m1, n1, k1, a1, b1, c1, accumulate1, layout2, m2, n2, k2, a2, b2, c2,
            accumulate2);
    }

    /// <summary>Backend pair of GEMMs; arguments checked. By default one after the other.</summary>
    protected virtual void GemmPairCore(GemmLayout layout1, int m1, int n1, int k1, BufferView<float> a1,
        BufferView<float> b1, BufferView<float> c1, bool accumulate1, GemmLayout layout2, int m2, int n2,
        int k2, BufferView<float> a2, BufferView<float> b2, BufferView<float> c2, bool accumulate2)
    {
        GemmCore(layout1, m1, n1, k1, a1, b1, c1, accumulate1, default, Activation.Identity);
        GemmCore(layout2, m2, n2, k2, a2, b2, c2, accumulate2, default, Activation.Identity);
    }

    /// <summary>
    /// sums[col] ([+]=) sum over rows of x[row, col], summed in row order; x is rows x cols.
    /// </summary>
    public void ColumnSum(BufferView<float> x, int rows, int cols, BufferView<float> sums, bool accumulate)
    {
        CheckPositive(rows); CheckPositive(cols);
        CheckView(x, (long)rows * cols); CheckView(sums, cols);
        CheckNoOverlap(sums, x);
        ColumnSumCore(x, rows, cols, sums, accumulate);
    }

    /// <summary>y[i] = act(x[i]) for i &lt; n; y may be x (in place).</summary>
    public void ActivationForward(Activation activation, BufferView<float> x, BufferView<float> y, int n)
    {
        CheckPositive(n); CheckView(x, n); CheckView(y, n);
        if (Overlaps(x, y) && x.Offset != y.Offset)
            throw new ArgumentException("y partially overlaps x", nameof(y));
        ActivationForwardCore(activation, x, y, n);
    }

    /// <summary>dx[i] = dy[i] * act'(from the output y[i]) for i &lt; n; dx may be dy (in place).</summary>
    public void ActivationBackward(Activation activation, BufferView<float> y, BufferView<float> dy,
        BufferView<float> dx, int n)
    {
        CheckPositive(n); CheckView(y, n); CheckView(dy, n); CheckView(dx, n);
        if (Overlaps(dx, dy) && dx.Offset != dy.Offset)
            throw new ArgumentException("dx partially overlaps dy", nameof(dx));
        if (Overlaps(dx, y) && dx.Offset != y.Offset)
            throw new ArgumentException("dx partially overlaps y", nameof(dx));
        ActivationBackwardCore(activation, y, dy, dx, n);
    }

    /// <summary>
    /// destination[i] = the i-th standard normal of the Philox4x32-10 stream (seed, stream), i &lt; n;
    /// see <see cref="Random.Philox"/> for the exact mapping, which every backend follows.
    /// </summary>
    public void FillNormal(BufferView<float> destination, int n, ulong seed, ulong stream)
    {
        CheckPositive(n); CheckView(destination, n);
        FillNormalCore(destination, n, seed, stream);
    }

    /// <summary>
    /// eps[i] = normal i of (seed, stream); z[i] = mu[i] + exp(0.5 logvar[i]) eps[i], for i &lt; n.
    /// eps is kept for <see cref="ReparameterizeBackward"/>.
    /// </summary>
    public void ReparameterizeForward(BufferView<float> mu, BufferView<float> logvar, BufferView<float> eps,
        BufferView<float> z, int n, ulong seed, ulong stream)
    {
        CheckPositive(n); CheckView(mu, n); CheckView(logvar, n); CheckView(eps, n); CheckView(z, n);
        CheckNoOverlap(z, mu); CheckNoOverlap(z, logvar); CheckNoOverlap(z, eps);
        CheckNoOverlap(eps, mu); CheckNoOverlap(eps, logvar);
        ReparameterizeForwardCore(mu, logvar, eps, z, n, seed, stream);
    }

    /// <summary>dmu[i] += dz[i]; dlogvar[i] += 0.5 dz[i] eps[i] exp(0.5 logvar[i]), for i &lt; n.</summary>
    public void ReparameterizeBackward(BufferView<float> dz, BufferView<float> eps, BufferView<float> logvar,
        BufferView<float> dmu, BufferView<float> dlogvar, int n)
    {
        CheckPositive(n); CheckView(dz, n); CheckView(eps, n); CheckView(logvar, n);
        CheckView(dmu, n); CheckView(dlogvar, n);
        CheckNoOverlap(dmu, dlogvar); CheckNoOverlap(dmu, dz); CheckNoOverlap(dlogvar, dz);
        ReparameterizeBackwardCore(dz, eps, logvar, dmu, dlogvar, n);
    }

    /// <summary>
    /// Binary cross-entropy on logits l against targets x in [0,1], in the stable form
    /// max(l,0) - l x + log(1 + exp(-|l|)): rowLoss[r] = sum over cols; if dlogits is given,
    /// dlogits = gradScale (sigmoid(l) - x). All matrices are rows x cols.
    /// </summary>
    public void BceWithLogits(BufferView<float> logits, BufferView<float> targets, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        CheckLoss(logits, targets, rows, cols, rowLoss, dlogits);
        BceWithLogitsCore(logits, targets, rows, cols, rowLoss, dlogits, gradScale);
    }

    /// <summary>
    /// Squared error of s = sigmoid(l) against x: rowLoss[r] = sum over cols of (s - x)^2; if dlogits is
    /// given, dlogits = gradScale 2 (s - x) s (1 - s).
    /// </summary>
    public void MseOnSigmoid(BufferView<float> logits, BufferView<float> targets, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale)
    {
        CheckLoss(logits, targets, rows, cols, rowLoss, dlogits);
        MseOnSigmoidCore(logits, targets, rows, cols, rowLoss, dlogits, gradScale);
    }

    /// <summary>
    /// KL(N(mu, exp(logvar)) || N(0, I)) per row: rowLoss[r] = -0.5 sum (1 + lv - mu^2 - exp(lv));
    /// if dmu and dlogvar are given they are assigned gradScale mu and gradScale 0.5 (exp(lv) - 1).
    /// </summary>
    public void KlDivergence(BufferView<float> mu, BufferView<float> logvar, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar, float gradScale)
    {
        CheckPositive(rows); CheckPositive(cols);
        long size = (long)rows * cols;
        CheckView(mu, size); CheckView(logvar, size); CheckView(rowLoss, rows);
        if (dmu.IsEmpty != dlogvar.IsEmpty)
            throw new ArgumentException("give both dmu and dlogvar, or neither");
        CheckOptionalView(dmu, size); CheckOptionalView(dlogvar, size);
        CheckNoOverlap(rowLoss, mu); CheckNoOverlap(rowLoss, logvar);
        if (!dmu.IsEmpty)
        {
            CheckNoOverlap(dmu, dlogvar); CheckNoOverlap(dmu, logvar); CheckNoOverlap(dlogvar, mu);
        }
        KlDivergenceCore(mu, logvar, rows, cols, rowLoss, dmu, dlogvar, gradScale);
    }

    /// <summary>accumulator[0] += sum of values[0..n), summed in a fixed order (reproducible).</summary>
    public void SumInto(BufferView<float> values, int n, BufferView<float> accumulator)
    {
        CheckPositive(n); CheckView(values, n); CheckView(accumulator, 1);
        CheckNoOverlap(accumulator, values);
        SumIntoCore(values, n, accumulator);
    }

    /// <summary>
    /// One optimizer update over n parameters: state1 and state2 have the parameters' layout
    /// (Adam: m and v; Sgd: velocity, state2 unused; RmsProp and Adagrad: square averages/sums in state1).
    /// </summary>
    public void OptimizerStep(in OptimizerParams settings, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n)
    {
        CheckPositive(n); CheckView(parameters, n); CheckView(gradients, n); CheckView(state1, n);
        if (settings.Kind == OptimizerKind.Adam) CheckView(state2, n); else CheckOptionalView(state2, n);
        if (settings.Step < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "optimizer step counts from 1");
        if (!(settings.LearningRate > 0) || !float.IsFinite(settings.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(settings),
                $"learning rate must be positive, got {settings.LearningRate}");
        CheckNoOverlap(parameters, gradients); CheckNoOverlap(parameters, state1);
        CheckNoOverlap(gradients, state1);
        OptimizerStepCore(settings, parameters, gradients, state1, state2, n);
    }

    /// <summary>
    /// destination[b, p] = dataset[indices[b], p] / 255 for b &lt; batch, p &lt; imageSize; the dataset is
    /// N x imageSize bytes and every index must lie in [0, N) (checked by the caller when indices are built).
    /// </summary>
    public void GatherImages(BufferView<byte> dataset, int imageSize, BufferView<int> indices, int batch,
        BufferView<float> destination)
    {
        CheckPositive(imageSize); CheckPositive(batch);
        CheckView(dataset, imageSize); CheckView(indices, batch);
        CheckView(destination, (long)batch * imageSize);
        GatherImagesCore(dataset, imageSize, indices, batch, destination);
    }

    /// <summary>destination[b, c] = (labels[indices[b]] == c) ? 1 : 0, a batch x classes matrix.</summary>
    public void GatherOneHot(BufferView<byte> labels, BufferView<int> indices, int batch, int classes,
        BufferView<float> destination)
    {
        CheckPositive(batch); CheckPositive(classes);
        CheckView(labels, 1); CheckView(indices, batch); CheckView(destination, (long)batch * classes);
        GatherOneHotCore(labels, indices, batch, classes, destination);
    }

    /// <summary>
    /// dst[r, dstColOffset + c] = src[r, srcColOffset + c] for r &lt; rows, c &lt; cols, where src has
    /// srcCols columns and dst has dstCols. Concatenation and its backward are two of these.
    /// </summary>
    public void CopyColumns(BufferView<float> source, int rows, int srcCols, int srcColOffset,
        BufferView<float> destination, int dstCols, int dstColOffset, int cols)
    {
        CheckPositive(rows); CheckPositive(cols);
        if (srcColOffset < 0 || srcColOffset + cols > srcCols)
            throw new ArgumentOutOfRangeException(nameof(srcColOffset),
                $"columns [{srcColOffset}, {srcColOffset + cols}) exceed {srcCols}");
        if (dstColOffset < 0 || dstColOffset + cols > dstCols)
            throw new ArgumentOutOfRangeException(nameof(dstColOffset),
                $"columns [{dstColOffset}, {dstColOffset + cols}) exceed {dstCols}");
        CheckView(source, (long)rows * srcCols); CheckView(destination, (long)rows * dstCols);
        CheckNoOverlap(destination, source);
        CopyColumnsCore(source, rows, srcCols, srcColOffset, destination, dstCols, dstColOffset, cols);
    }

    /// <summary>Writes [a | b] into destination: a is rows x aCols, b is rows x bCols.</summary>
    public void ConcatColumns(BufferView<float> a, int aCols, BufferView<float> b, int bCols, int rows,
        BufferView<float> destination)
    {
        CopyColumns(a, rows, aCols, 0, destination, aCols + bCols, 0, aCols);
        CopyColumns(b, rows, bCols, 0, destination, aCols + bCols, aCols, bCols);
    }

    private void CheckLoss(BufferView<float> logits, BufferView<float> targets, int rows, int cols,
        BufferView<float> rowLoss, BufferView<float> dlogits)
    {
        CheckPositive(rows); CheckPositive(cols);
        long size = (long)rows * cols;
        CheckView(logits, size); CheckView(targets, size); CheckView(rowLoss, rows);
        CheckOptionalView(dlogits, size);
        CheckNoOverlap(rowLoss, logits); CheckNoOverlap(rowLoss, targets);
        if (!dlogits.IsEmpty) { CheckNoOverlap(dlogits, targets); CheckNoOverlap(dlogits, rowLoss); }
    }

    /// <summary>Backend GEMM; arguments checked.</summary>
    protected abstract void GemmCore(GemmLayout layout, int m, int n, int k, BufferView<float> a,
        BufferView<float> b, BufferView<float> c, bool accumulate, BufferView<float> bias,
        Activation activation);
    /// <summary>Backend column sums; arguments checked.</summary>
    protected abstract void ColumnSumCore(BufferView<float> x, int rows, int cols, BufferView<float> sums,
        bool accumulate);
    /// <summary>Backend activation forward; arguments checked.</summary>
    protected abstract void ActivationForwardCore(Activation activation, BufferView<float> x,
        BufferView<float> y, int n);
    /// <summary>Backend activation backward; arguments checked.</summary>
    protected abstract void ActivationBackwardCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int n);
    /// <summary>Backend normal fill; arguments checked.</summary>
    protected abstract void FillNormalCore(BufferView<float> destination, int n, ulong seed, ulong stream);
    /// <summary>Backend reparameterization forward; arguments checked.</summary>
    protected abstract void ReparameterizeForwardCore(BufferView<float> mu, BufferView<float> logvar,
        BufferView<float> eps, BufferView<float> z, int n, ulong seed, ulong stream);
    /// <summary>Backend reparameterization backward; arguments checked.</summary>
    protected abstract void ReparameterizeBackwardCore(BufferView<float> dz, BufferView<float> eps,
        BufferView<float> logvar, BufferView<float> dmu, BufferView<float> dlogvar, int n);
    /// <summary>Backend BCE; arguments checked.</summary>
    protected abstract void BceWithLogitsCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale);
    /// <summary>Backend MSE; arguments checked.</summary>
    protected abstract void MseOnSigmoidCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale);
    /// <summary>Backend KL; arguments checked.</summary>
    protected abstract void KlDivergenceCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar,
        float gradScale);
    /// <summary>Backend fixed-order sum; arguments checked.</summary>
    protected abstract void SumIntoCore(BufferView<float> values, int n, BufferView<float> accumulator);
    /// <summary>Backend optimizer update; arguments checked.</summary>
    protected abstract void OptimizerStepCore(in OptimizerParams settings, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n);
    /// <summary>Backend image gather; arguments checked.</summary>
    protected abstract void GatherImagesCore(BufferView<byte> dataset, int imageSize, BufferView<int> indices,
        int batch, BufferView<float> destination);
    /// <summary>Backend one-hot gather; arguments checked.</summary>
    protected abstract void GatherOneHotCore(BufferView<byte> labels, BufferView<int> indices, int batch,
        int classes, BufferView<float> destination);
    /// <summary>Backend strided column copy; arguments checked.</summary>
    protected abstract void CopyColumnsCore(BufferView<float> source, int rows, int srcCols, int srcColOffset,
        BufferView<float> destination, int dstCols, int dstColOffset, int cols);
}
