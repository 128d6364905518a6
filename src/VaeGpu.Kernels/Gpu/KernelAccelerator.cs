// The shared base of the kernel-running backends (OpenCL, CUDA): every op of the set is a launch of a
// generated [Kernel] through the IKernelLauncher a subclass provides. Subclasses supply memory
// (allocation, copies) and launching only. Ops never wait for the device or allocate managed memory.
// A subclass implements Launcher, AllocateCore, the three copies, SynchronizeCore and DisposeDeviceCore;
// it may override Tiling (building its program with GemmTiling.Defines) and FillCore. Like every
// accelerator, one thread issues the ops: the launcher holds per-launch argument state.
using VaeGpu.Kernels.Device;
using VaeGpu.Kernels.Kernels;

namespace VaeGpu.Kernels.Gpu;

/// <summary>An accelerator whose ops are the device kernels of VaeGpu.Kernels.Kernels.</summary>
public abstract partial class KernelAccelerator : Accelerator
{
    /// <summary>Work-items per group for one-dimensional element-wise launches.</summary>
    protected const int ElementGroup = ActivationKernels.GroupSize;

    private DeviceBuffer<float>? _placeholder; // (1): bound to absent optional buffers
    private DeviceBuffer<float>? _partials;    // (MaxPartials): first-stage sums of SumInto
    private long _launches;

    /// <summary>Kernels enqueued on this accelerator so far (for benchmarks: launches per step).</summary>
    public long Launches => _launches;

    /// <summary>Runs the generated kernels of this accelerator's program; created by the subclass.</summary>
    protected abstract IKernelLauncher Launcher { get; }

    /// <summary>
    /// The GEMM tile sizes this accelerator's program was built with (default: the GemmKernels constants); a
    /// subclass that overrides them must build its program with <see cref="GemmTiling.Defines"/>.
    /// </summary>
    protected virtual GemmTiling Tiling => GemmTiling.Default;

    /// <summary>
    /// The program and tiling for a product of <paramref name="m"/> rows: by default the accelerator's own;
    /// a backend with tilings fitted to thin products (CPU OpenCL devices) picks one of those.
    /// </summary>
    protected virtual (IKernelLauncher Launcher, GemmTiling Tiling) GemmProgram(int m) => (Launcher, Tiling);

    /// <summary>
    /// A one-element buffer passed where an optional buffer is absent (its flag tells the kernel).
    /// </summary>
    private BufferView<float> Placeholder => (_placeholder ??= AllocateCore<float>(1)).View;

    private BufferView<float> Partials =>
        (_partials ??= AllocateCore<float>(ReductionKernels.MaxPartials)).View;

    /// <summary>Counts one launch; the backend's launcher calls it for every kernel it enqueues.</summary>
    protected internal void CountLaunch() => _launches++;

    /// <inheritdoc/>
    protected sealed override void DisposeCore()
    {
        _placeholder?.Dispose();
        _partials?.Dispose();
        _convWorkspace?.Dispose();
        DisposeDeviceCore();
    }

    /// <summary>
    /// Releases the backend's context, queue, modules; called once, after the base's scratch buffers.
    /// </summary>
    protected abstract void DisposeDeviceCore();

    /// <inheritdoc/>
    protected override void FillCore(BufferView<float> destination, float value) =>
        ActivationKernels.LaunchFill(Launcher, LaunchDims.Cover(destination.Length, ElementGroup),
            destination, destination.Length, value);

    /// <inheritdoc/>
    protected override void GemmCore(GemmLayout layout, int m, int n, int k, BufferView<float> a,
        BufferView<float> b, BufferView<float> c, bool accumulate, BufferView<float> bias,
        Activation activation)
    {
        // Element strides of A(row, i) and B(i, col) for each layout (see GemmLayout).
        int aRowStride = layout == GemmLayout.TN ? 1 : k, aColStride = layout == GemmLayout.TN ? m : 1;
        int bRowStride = layout == GemmLayout.NT ? 1 : n, bColStride = layout == GemmLayout.NT ? k : 1;
        BufferView<float> biasOrNone = bias.IsEmpty ? Placeholder : bias;
        int add = accumulate ? 1 : 0, hasBias = bias.IsEmpty ? 0 : 1, act = (int)activation;
        int blockDepth = Cpu.CpuGemm.DepthStep(k); // the cpu backend's depth blocks: the same sums
        var (launcher, tiling) = GemmProgram(m);
        if (tiling.Wide)
            GemmKernels.LaunchGemmWide(launcher, tiling.Dims(m, n), c, a, b, biasOrNone, m, n, k, aRowStride,
                aColStride, bRowStride, bColStride, add, hasBias, act, blockDepth);
        else
            GemmKernels.LaunchGemm(launcher, tiling.Dims(m, n), c, a, b, biasOrNone, m, n, k, aRowStride,
                aColStride, bRowStride, bColStride, add, hasBias, act, blockDepth);
    }

    /// <inheritdoc/>
    protected override void ColumnSumCore(BufferView<float> x, int rows, int cols, BufferView<float> sums,
        bool accumulate) =>
        ReductionKernels.LaunchColumnSum(Launcher, LaunchDims.Cover(cols, ElementGroup), sums, x, rows, cols,
            accumulate ? 1 : 0);

    /// <inheritdoc/>
    protected override void ActivationForwardCore(Activation activation, BufferView<float> x,
        BufferView<float> y, int n) =>
        ActivationKernels.LaunchActivationForward(Launcher, LaunchDims.Cover(n, ElementGroup), y, x, n,
            (int)activation);

    /// <inheritdoc/>
    protected override void ActivationBackwardCore(Activation activation, BufferView<float> y,
        BufferView<float> dy, BufferView<float> dx, int n) =>
        ActivationKernels.LaunchActivationBackward(Launcher, LaunchDims.Cover(n, ElementGroup), dx, y, dy, n,
            (int)activation);

    /// <inheritdoc/>
    protected override void FillNormalCore(BufferView<float> destination, int n, ulong seed, ulong stream) =>
        RandomKernels.LaunchFillNormal(Launcher, LaunchDims.Cover(n, ElementGroup), destination, n,
            (uint)seed, (uint)(seed >> 32), (uint)stream, (uint)(stream >> 32));

    /// <inheritdoc/>
    protected override void ReparameterizeForwardCore(BufferView<float> mu, BufferView<float> logvar,
        BufferView<float> eps, BufferView<float> z, int n, ulong seed, ulong stream) =>
        RandomKernels.LaunchReparameterizeForward(Launcher, LaunchDims.Cover(n, ElementGroup), z, eps, mu,
            logvar, n, (uint)seed, (uint)(seed >> 32), (uint)stream, (uint)(stream >> 32));

    /// <inheritdoc/>
    protected override void ReparameterizeBackwardCore(BufferView<float> dz, BufferView<float> eps,
        BufferView<float> logvar, BufferView<float> dmu, BufferView<float> dlogvar, int n) =>
        RandomKernels.LaunchReparameterizeBackward(Launcher, LaunchDims.Cover(n, ElementGroup), dmu, dlogvar,
            dz, eps, logvar, n);

    /// <inheritdoc/>
    protected override void BceWithLogitsCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale) =>
        ReductionKernels.LaunchBceWithLogits(Launcher, RowDims(rows), rowLoss,
            dlogits.IsEmpty ? Placeholder : dlogits, logits, targets, rows, cols, dlogits.IsEmpty ? 0 : 1,
            gradScale);

    /// <inheritdoc/>
    protected override void MseOnSigmoidCore(BufferView<float> logits, BufferView<float> targets, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dlogits, float gradScale) =>
        ReductionKernels.LaunchMseOnSigmoid(Launcher, RowDims(rows), rowLoss,
            dlogits.IsEmpty ? Placeholder : dlogits, logits, targets, rows, cols, dlogits.IsEmpty ? 0 : 1,
            gradScale);

    /// <inheritdoc/>
    protected override void KlDivergenceCore(BufferView<float> mu, BufferView<float> logvar, int rows,
        int cols, BufferView<float> rowLoss, BufferView<float> dmu, BufferView<float> dlogvar,
        float gradScale) =>
        ReductionKernels.LaunchKlDivergence(Launcher, RowDims(rows), rowLoss, dmu.IsEmpty ? Placeholder : dmu,
            dlogvar.IsEmpty ? Placeholder : dlogvar, mu, logvar, rows, cols, dmu.IsEmpty ? 0 : 1, gradScale);

    /// <inheritdoc/>
    protected override void SumIntoCore(BufferView<float> values, int n, BufferView<float> accumulator)
    {
        // Two stages in a fixed order: up to MaxPartials groups each sum a strided share into partials,
        // then one group adds the partials to the accumulator; both in one launch when one group covers n
        // (a batch's row losses), with the same result.
        const int group = ReductionKernels.ReduceThreads;
        int groups = Math.Min(ReductionKernels.MaxPartials, (n + group - 1) / group);
        if (groups == 1)
        {
            ReductionKernels.LaunchSumOneGroup(Launcher, new LaunchDims(group, 1, group, 1), accumulator,
                values, n);
            return;
        }
        ReductionKernels.LaunchSumPartials(Launcher, new LaunchDims(groups * group, 1, group, 1), Partials,
            values, n);
        ReductionKernels.LaunchSumFinish(Launcher, new LaunchDims(group, 1, group, 1), accumulator, Partials,
            groups);
    }

    /// <inheritdoc/>
    protected override void OptimizerStepCore(in OptimizerParams s, BufferView<float> parameters,
        BufferView<float> gradients, BufferView<float> state1, BufferView<float> state2, int n)
    {
        var dims = LaunchDims.Cover(n, ElementGroup);
        switch (s.Kind)
        {
            case OptimizerKind.Adam:
                var (negativeStep, c2Sqrt) = s.AdamScalars(); // the host scalars every backend uses
                OptimizerKernels.LaunchAdamStep(Launcher, dims, parameters, state1, state2, gradients, n,
                    s.Beta1, s.Beta2, s.Epsilon, negativeStep, c2Sqrt);
                break;
            case OptimizerKind.Sgd:
                OptimizerKernels.LaunchSgdStep(Launcher, dims, parameters, state1, gradients, n,
                    s.LearningRate, s.Momentum);
                break;
            case OptimizerKind.RmsProp:
                OptimizerKernels.LaunchRmsPropStep(Launcher, dims, parameters, state1, gradients, n,
                    s.LearningRate, s.Alpha, s.Epsilon);
                break;
            case OptimizerKind.Adagrad:
                OptimizerKernels.LaunchAdagradStep(Launcher, dims, parameters, state1, gradients, n,
                    s.LearningRate, s.Epsilon);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(s), $"unknown optimizer {s.Kind}");
        }
    }

    /// <inheritdoc/>
    protected override void GatherImagesCore(BufferView<byte> dataset, int imageSize,
        BufferView<int> indices, int batch, BufferView<float> destination) =>
        DataKernels.LaunchGatherImages(Launcher, LaunchDims.Cover(batch * imageSize, ElementGroup),
            destination, dataset, indices, imageSize, dataset.Length / imageSize, batch);

    /// <inheritdoc/>
    protected override void GatherOneHotCore(BufferView<byte> labels, BufferView<int> indices, int batch,
        int classes, BufferView<float> destination) =>
        DataKernels.LaunchGatherOneHot(Launcher, LaunchDims.Cover(batch * classes, ElementGroup),
            destination, labels, indices, labels.Length, batch, classes);

    /// <inheritdoc/>
    protected override void CopyColumnsCore(BufferView<float> source, int rows, int srcCols,
        int srcColOffset, BufferView<float> destination, int dstCols, int dstColOffset, int cols) =>
        DataKernels.LaunchCopyColumns(Launcher, LaunchDims.Cover(cols, rows, 32, 8), destination, source,
            rows, srcCols, srcColOffset, dstCols, dstColOffset, cols);

    /// <summary>Fills words [0, 4 blocks) with raw Philox output (a test hook for bit-exactness).</summary>
    internal void PhiloxWords(BufferView<uint> words, int blocks, ulong seed, ulong stream)
    {
        CheckPositive(blocks);
        CheckView(words, 4L * blocks);
        RandomKernels.LaunchPhiloxWords(Launcher, LaunchDims.Cover(blocks, ElementGroup), words, blocks,
            (uint)seed, (uint)(seed >> 32), (uint)stream, (uint)(stream >> 32));
    }

    private static LaunchDims RowDims(int rows) =>
        new(rows * ReductionKernels.ReduceThreads, 1, ReductionKernels.ReduceThreads, 1);
}
